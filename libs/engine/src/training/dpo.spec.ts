import { describe, expect, it } from 'vitest';
import type { LlamaConfig } from '../contract';
import { BatchedPass } from './batched-pass';
import { batchCapacity, BatchWorkspace } from './batch-workspace';
import { dpoBatched, dpoForwardBackward, dpoLoss, pairLogProbs, type DpoItem } from './dpo';
import type { TrainSequence } from './forward-backward';
import { flushGradients } from './grad-flush';
import { initLlamaParams } from './llama-params';
import { createRng, fillNormal, zerosLike, type ParamMap } from './tensor';
import { smallConfig } from './test-fixture';

const config: LlamaConfig = {
  vocab_size: 13,
  hidden_size: 8,
  intermediate_size: 12,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  max_position_embeddings: 64,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  tie_word_embeddings: false,
};

/** Larger-than-usual weights so gradients are well above float32 finite-difference noise (as forward-backward.spec). */
function tinyParams(): ParamMap {
  const params = initLlamaParams(config, 1);
  const rng = createRng(2);
  for (const t of params.values()) fillNormal(t.data, 0.4, rng);
  for (const t of params.values()) if (t.shape.length === 1) for (let i = 0; i < t.data.length; i++) t.data[i] = 1 + 0.2 * t.data[i];
  return params;
}

/** Same prompt (ids 1 5 7), different answers; only the answer tokens are scored. */
const seq = (ids: number[], promptLen: number): TrainSequence => ({
  ids,
  lossMask: Uint8Array.from(ids.map((_, j) => (j >= promptLen ? 1 : 0))),
});
const pairs: DpoItem[] = [
  { pair: { chosen: seq([1, 5, 7, 2, 9], 3), rejected: seq([1, 5, 7, 11, 3, 4], 3) }, ref: { chosen: -6.1, rejected: -7.9 } },
  { pair: { chosen: seq([2, 4, 6, 8], 2), rejected: seq([2, 4, 12, 10], 2) }, ref: { chosen: -5.5, rejected: -4.2 } },
];

function numericGrad(data: Float32Array, i: number, loss: () => number, eps = 1e-2): number {
  const old = data[i];
  data[i] = old + eps;
  const up = loss();
  data[i] = old - eps;
  const down = loss();
  data[i] = old;
  return (up - down) / (2 * eps);
}

describe('dpoLoss', () => {
  it('is log 2 with coefficient β/2 when policy and reference agree, and stays finite far from it', () => {
    const l = dpoLoss(-3, -4, { chosen: -3, rejected: -4 }, 0.1);
    expect(l.margin).toBe(0);
    expect(l.loss).toBeCloseTo(Math.log(2), 12);
    expect(l.coefficient).toBeCloseTo(0.05, 12);
    // margin +2 with β 0.5: z = 1, loss = log(1 + e^-1), coefficient = β·σ(−1).
    const m = dpoLoss(-1, -6, { chosen: -3, rejected: -6 }, 0.5);
    expect(m.margin).toBe(2);
    expect(m.loss).toBeCloseTo(Math.log1p(Math.exp(-1)), 12);
    expect(m.coefficient).toBeCloseTo(0.5 / (1 + Math.E), 12);
    const far = dpoLoss(-5000, 0, { chosen: 0, rejected: 0 }, 1);
    expect(far.loss).toBeCloseTo(5000, 6);
    expect(far.coefficient).toBeCloseTo(1, 12);
    expect(dpoLoss(5000, 0, { chosen: 0, rejected: 0 }, 1).loss).toBeLessThan(1e-300);
  });
});

describe('dpoForwardBackward gradients', () => {
  it('match finite differences of the mean DPO loss for every parameter and the soft prompt', () => {
    const params = tinyParams();
    const softPrompt = new Float32Array(2 * config.hidden_size);
    fillNormal(softPrompt, 0.5, createRng(3));
    const grads: ParamMap = new Map([...params].map(([n, t]) => [n, zerosLike(t)]));
    const softPromptGrad = new Float32Array(softPrompt.length);
    const beta = 0.8;
    const scale = 1 / pairs.length;
    let analyticLoss = 0;
    for (const it of pairs)
      analyticLoss += dpoForwardBackward(config, params, it, beta, { grads, softPrompt, softPromptGrad, gradScale: scale }).loss * scale;
    const loss = (): number => {
      let sum = 0;
      for (const it of pairs) {
        const lp = pairLogProbs(config, params, it.pair, softPrompt);
        sum += dpoLoss(lp.chosen, lp.rejected, it.ref, beta).loss;
      }
      return sum * scale;
    };
    expect(analyticLoss).toBeCloseTo(loss(), 10);
    const rng = createRng(4);
    let checked = 0;
    let large = 0;
    const check = (analytic: number, numeric: number, label: string): void => {
      if (Math.abs(analytic - numeric) > 5e-4 + 3e-2 * Math.abs(numeric))
        throw new Error(`${label}: analytic ${analytic} vs numeric ${numeric}`);
      checked++;
      if (Math.abs(numeric) > 1e-2) large++;
    };
    for (const [name, t] of params) {
      for (let s = 0; s < 4; s++) {
        const i = Math.floor(rng() * t.data.length);
        check(grads.get(name)!.data[i], numericGrad(t.data, i, loss), `${name}[${i}]`);
      }
    }
    for (let i = 0; i < softPrompt.length; i += 3) check(softPromptGrad[i], numericGrad(softPrompt, i, loss), `soft_prompt[${i}]`);
    expect(checked).toBeGreaterThan(50);
    // The tolerance is meaningful only if many gradients are well above it.
    expect(large).toBeGreaterThan(checked / 3);
  });

  it('without gradient sinks only scores, and both answers of a pair see the same prompt', () => {
    const params = tinyParams();
    const r = dpoForwardBackward(config, params, pairs[0], 0.1);
    const lp = pairLogProbs(config, params, pairs[0].pair);
    expect(r.policyChosen).toBe(lp.chosen);
    expect(r.policyRejected).toBe(lp.rejected);
    expect(r.margin).toBeCloseTo(lp.chosen + 6.1 - (lp.rejected + 7.9), 10);
  });
});

describe('dpoBatched', () => {
  it('gives a micro-batch of pairs the pair-at-a-time losses, margins and gradients (its f32 sums aside)', () => {
    // A vocabulary and widths the SIMD kernels take (multiples of four), GQA, a soft prompt.
    const cfg: LlamaConfig = { ...smallConfig(false), vocab_size: 16 };
    const params = initLlamaParams(cfg, 1);
    const rng = createRng(5);
    for (const t of params.values()) if (t.shape.length > 1) fillNormal(t.data, 0.4, rng);
    const softPrompt = new Float32Array(2 * cfg.hidden_size);
    fillNormal(softPrompt, 0.5, createRng(6));
    const sinks = (): { grads: ParamMap; softPrompt: Float32Array; softPromptGrad: Float32Array } => ({
      grads: new Map([...params].map(([n, t]) => [n, zerosLike(t)])),
      softPrompt,
      softPromptGrad: new Float32Array(softPrompt.length),
    });
    const [beta, scale] = [0.8, 0.5];
    const ref = sinks();
    let [refLoss, refMargin] = [0, 0];
    for (const it of pairs) {
      const r = dpoForwardBackward(cfg, params, it, beta, { ...ref, gradScale: scale });
      refLoss += r.loss;
      refMargin += r.margin;
    }
    const seqs = pairs.flatMap((it) => [it.pair.chosen, it.pair.rejected]);
    const ws = BatchWorkspace.create(
      cfg,
      batchCapacity(
        seqs.map((q) => q.ids.length + 2),
        seqs.length,
        cfg.num_attention_heads,
      ),
      2,
    );
    const pass = new BatchedPass(cfg, ws);
    pass.loadWeights(params, 0);
    const got = sinks();
    const r = dpoBatched(pass, params, pairs, beta, scale, got);
    flushGradients([ws.layout], [ws.heap], got, 0, 1);
    expect(r.lossSum).toBeCloseTo(refLoss, 4);
    expect(r.marginSum).toBeCloseTo(refMargin, 3);
    let checked = 0;
    for (const [name, t] of ref.grads) {
      const g = got.grads.get(name)!.data;
      let max = 0;
      for (const v of t.data) max = Math.max(max, Math.abs(v));
      expect(max, name).toBeGreaterThan(0);
      for (let i = 0; i < g.length; i++, checked++) expect(Math.abs(g[i] - t.data[i]), `${name}[${i}]`).toBeLessThan(1e-4 * max + 1e-6);
    }
    for (let i = 0; i < softPrompt.length; i++) expect(Math.abs(got.softPromptGrad[i] - ref.softPromptGrad[i])).toBeLessThan(1e-4);
    expect(checked).toBeGreaterThan(1000);
  });
});
