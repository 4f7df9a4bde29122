import type { LlamaConfig } from '../contract';

/**
 * A deliberately naive float64 Llama forward (no cache, no batching, whole sequence recomputed) used as
 * the ground truth the engine is checked against. Written from the HF modeling_llama equations, sharing
 * no code with the engine. `kvBf16`: keys (after RoPE) and values rounded to bf16, as a bf16 KV cache holds them.
 */
export function referenceLogits(
  config: LlamaConfig,
  w: (name: string) => Float32Array,
  tokens: number[],
  { kvBf16 = false }: { kvBf16?: boolean } = {},
): number[][] {
  const H = config.hidden_size;
  const nH = config.num_attention_heads;
  const nKV = config.num_key_value_heads;
  const hd = config.head_dim ?? H / nH;
  const I = config.intermediate_size;
  const V = config.vocab_size;
  const T = tokens.length;
  const linear = (x: number[], W: Float32Array, outDim: number): number[] => {
    const inDim = x.length;
    const y: number[] = new Array(outDim).fill(0);
    for (let o = 0; o < outDim; o++) {
      let s = 0;
      for (let i = 0; i < inDim; i++) s += W[o * inDim + i] * x[i];
      y[o] = s;
    }
    return y;
  };
  const rms = (x: number[], g: Float32Array): number[] => {
    const ms = x.reduce((a, v) => a + v * v, 0) / x.length;
    return x.map((v, i) => (v / Math.sqrt(ms + config.rms_norm_eps)) * g[i]);
  };
  const rope = (v: number[], pos: number): number[] => {
    const out = [...v];
    const half = hd / 2;
    for (let i = 0; i < half; i++) {
      const theta = pos / Math.pow(config.rope_theta, (2 * i) / hd);
      out[i] = v[i] * Math.cos(theta) - v[i + half] * Math.sin(theta);
      out[i + half] = v[i + half] * Math.cos(theta) + v[i] * Math.sin(theta);
    }
    return out;
  };
  // Round to f32, then to the nearest bf16 (ties to even): what the engine's cache stores from its f32 K/V.
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  const cached = (x: number): number => {
    if (!kvBf16) return x;
    f[0] = x;
    const b = bits[0];
    bits[0] = ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) << 16;
    return f[0];
  };
  const E = w('model.embed_tokens.weight');
  let h = tokens.map((t) => Array.from(E.subarray(t * H, (t + 1) * H)));
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `model.layers.${l}.`;
    const x = h.map((r) => rms(r, w(p + 'input_layernorm.weight')));
    const q = x.map((r) => linear(r, w(p + 'self_attn.q_proj.weight'), nH * hd));
    const k = x.map((r) => linear(r, w(p + 'self_attn.k_proj.weight'), nKV * hd));
    const v = x.map((r) => linear(r, w(p + 'self_attn.v_proj.weight'), nKV * hd).map(cached));
    const qr = q.map((r, t) => Array.from({ length: nH }, (_, hh) => rope(r.slice(hh * hd, (hh + 1) * hd), t)));
    const kr = k.map((r, t) => Array.from({ length: nKV }, (_, g) => rope(r.slice(g * hd, (g + 1) * hd), t).map(cached)));
    const attn = tokens.map((_, t) => {
      const out: number[] = [];
      for (let hh = 0; hh < nH; hh++) {
        const g = Math.floor(hh / (nH / nKV));
        const scores = Array.from({ length: t + 1 }, (_, j) => qr[t][hh].reduce((a, qv, d) => a + qv * kr[j][g][d], 0) / Math.sqrt(hd));
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let d = 0; d < hd; d++) {
          let s = 0;
          for (let j = 0; j <= t; j++) s += (e[j] / z) * v[j][g * hd + d];
          out.push(s);
        }
      }
      return out;
    });
    const o = attn.map((r) => linear(r, w(p + 'self_attn.o_proj.weight'), H));
    h = h.map((r, t) => r.map((val, i) => val + o[t][i]));
    const x2 = h.map((r) => rms(r, w(p + 'post_attention_layernorm.weight')));
    const mlp = x2.map((r) => {
      const g = linear(r, w(p + 'mlp.gate_proj.weight'), I);
      const u = linear(r, w(p + 'mlp.up_proj.weight'), I);
      const a = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]);
      return linear(a, w(p + 'mlp.down_proj.weight'), H);
    });
    h = h.map((r, t) => r.map((val, i) => val + mlp[t][i]));
  }
  const head = config.tie_word_embeddings ? E : w('lm_head.weight');
  void T;
  return h.map((r) => linear(rms(r, w('model.norm.weight')), head, V));
}
