import { describe, expect, it } from 'vitest';
import type { LlamaConfig } from '../contract';
import { forwardBackward, type TrainSequence } from './forward-backward';
import { initLlamaParams, projName } from './llama-params';
import { createLoraAdapters, loraGrads, mergeLora } from './lora';
import { cloneTensor, createRng, fillNormal, zerosLike, type ParamMap } from './tensor';

function tinyConfig(tied: boolean): LlamaConfig {
  return {
    vocab_size: 13,
    hidden_size: 8,
    intermediate_size: 12,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2, // grouped-query: two query heads per kv head
    max_position_embeddings: 64,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: tied,
  };
}

/** Larger-than-usual weights so gradients are well above float32 finite-difference noise. */
function tinyParams(config: LlamaConfig): ParamMap {
  const params = initLlamaParams(config, 1);
  const rng = createRng(2);
  for (const t of params.values()) fillNormal(t.data, 0.4, rng);
  // Norm weights near one, as in a real model, but not exactly one so their gradients are exercised too.
  for (const t of params.values()) if (t.shape.length === 1) for (let i = 0; i < t.data.length; i++) t.data[i] = 1 + 0.2 * t.data[i];
  return params;
}

const seq: TrainSequence = { ids: [1, 5, 7, 2, 9, 11, 3], lossMask: Uint8Array.from([0, 0, 1, 1, 0, 1, 1]) };

function expectClose(analytic: number, numeric: number, label: string): void {
  const tol = 2e-3 + 3e-2 * Math.abs(numeric);
  if (Math.abs(analytic - numeric) > tol) throw new Error(`${label}: analytic ${analytic} vs numeric ${numeric}`);
}

function numericGrad(data: Float32Array, i: number, loss: () => number, eps = 1e-2): number {
  const old = data[i];
  data[i] = old + eps;
  const up = loss();
  data[i] = old - eps;
  const down = loss();
  data[i] = old;
  return (up - down) / (2 * eps);
}

describe('forwardBackward gradients', () => {
  for (const tied of [true, false]) {
    it(`match finite differences for every parameter (tied=${tied})`, () => {
      const config = tinyConfig(tied);
      const params = tinyParams(config);
      const softPrompt = new Float32Array(2 * config.hidden_size);
      fillNormal(softPrompt, 0.5, createRng(3));
      const grads: ParamMap = new Map([...params].map(([n, t]) => [n, zerosLike(t)]));
      const spGrad = new Float32Array(softPrompt.length);
      const r = forwardBackward(config, params, seq, { grads, softPrompt, softPromptGrad: spGrad });
      expect(r.count).toBe(4);
      const loss = (): number => forwardBackward(config, params, seq, { softPrompt }).lossSum;
      const rng = createRng(4);
      let checked = 0;
      for (const [name, t] of params) {
        for (let s = 0; s < 4; s++) {
          const i = Math.floor(rng() * t.data.length);
          expectClose(grads.get(name)!.data[i], numericGrad(t.data, i, loss), `${name}[${i}]`);
          checked++;
        }
      }
      for (let i = 0; i < softPrompt.length; i += 3) expectClose(spGrad[i], numericGrad(softPrompt, i, loss), `soft_prompt[${i}]`);
      expect(checked).toBeGreaterThan(50);
    });
  }

  it('chains merged-weight gradients into LoRA A and B', () => {
    const config = tinyConfig(true);
    const base = tinyParams(config);
    const adapters = createLoraAdapters(config, base, { rank: 2, alpha: 4, mlp: true, seed: 5 });
    for (const ad of adapters) fillNormal(ad.b.data, 0.3, createRng(6)); // non-zero B so dA is non-trivial
    const merged: ParamMap = new Map([...base].map(([n, t]) => [n, cloneTensor(t)]));
    const remerge = (): void => adapters.forEach((ad) => mergeLora(base.get(ad.target)!, ad, merged.get(ad.target)!));
    remerge();
    const grads: ParamMap = new Map(adapters.map((ad) => [ad.target, zerosLike(base.get(ad.target)!)]));
    forwardBackward(config, merged, seq, { grads });
    const loss = (): number => {
      remerge();
      return forwardBackward(config, merged, seq).lossSum;
    };
    // An attention and an MLP projection; the guards below fail if a renamed target leaves the loop with nothing to check.
    const checkedTargets = adapters.filter((a) => a.target === projName(1, 'v_proj') || a.target === projName(0, 'down_proj'));
    expect(checkedTargets.map((a) => a.target).sort()).toEqual([projName(0, 'down_proj'), projName(1, 'v_proj')].sort());
    let checked = 0;
    for (const ad of checkedTargets) {
      const dA = new Float32Array(ad.a.data.length);
      const dB = new Float32Array(ad.b.data.length);
      loraGrads(ad, grads.get(ad.target)!.data, dA, dB);
      expect(dA.some((g) => g !== 0) && dB.some((g) => g !== 0)).toBe(true);
      for (let i = 0; i < dA.length; i += 5, checked++) expectClose(dA[i], numericGrad(ad.a.data, i, loss), `${ad.target}.A[${i}]`);
      for (let i = 0; i < dB.length; i += 5, checked++) expectClose(dB[i], numericGrad(ad.b.data, i, loss), `${ad.target}.B[${i}]`);
    }
    // Every fifth entry of A and B (rank 2): v_proj 8→4 has 16 + 8 entries, down_proj 12→8 has 24 + 16: 4+2+5+4.
    expect(checked).toBe(15);
  });
});
