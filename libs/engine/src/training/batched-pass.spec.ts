import { describe, expect, it } from 'vitest';
import type { LlamaConfig } from '../contract';
import { BatchedPass } from './batched-pass';
import { batchCapacity, BatchWorkspace } from './batch-workspace';
import { forwardBackward, type TrainSequence } from './forward-backward';
import { flushGradients } from './grad-flush';
import { initLlamaParams } from './llama-params';
import { createRng, fillNormal, zerosLike, type ParamMap } from './tensor';
import { smallConfig } from './test-fixture';

function randomSeqs(n: number, vocab: number, seed: number): TrainSequence[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const len = 3 + Math.floor(rng() * 9);
    const ids = Array.from({ length: len }, () => Math.floor(rng() * vocab));
    const lossMask = Uint8Array.from(ids, (_, j) => (j > 0 && rng() < 0.7 ? 1 : 0));
    lossMask[len - 1] = 1;
    return { ids, lossMask };
  });
}

function params(config: LlamaConfig): ParamMap {
  const p = initLlamaParams(config, 1);
  const rng = createRng(2);
  for (const t of p.values()) if (t.shape.length > 1) fillNormal(t.data, 0.3, rng);
  return p;
}

function zeroGrads(p: ParamMap): ParamMap {
  return new Map([...p].map(([n, t]) => [n, zerosLike(t)]));
}

describe('BatchedPass (packed micro-batches through the SIMD kernels)', () => {
  // A vocabulary of 37 takes the JS softmax, one of 40 the SIMD one (a row's padding to four lanes stays in the row).
  for (const [tied, vocab] of [
    [true, 37],
    [false, 37],
    [true, 40],
  ] as const) {
    it(`gives the reference path's loss and gradients (tied=${tied}, vocabulary ${vocab}, with a soft prompt)`, () => {
      const config = { ...smallConfig(tied), vocab_size: vocab };
      const p = params(config);
      const seqs = randomSeqs(5, config.vocab_size, 3);
      const softPrompt = new Float32Array(2 * config.hidden_size);
      fillNormal(softPrompt, 0.5, createRng(4));
      const refGrads = zeroGrads(p);
      const refSp = new Float32Array(softPrompt.length);
      let refLoss = 0;
      for (const s of seqs)
        refLoss += forwardBackward(config, p, s, { grads: refGrads, softPrompt, softPromptGrad: refSp, gradScale: 0.1 }).lossSum;

      const ws = BatchWorkspace.create(
        config,
        batchCapacity(
          seqs.map((s) => s.ids.length + 2),
          seqs.length,
          config.num_attention_heads,
        ),
        2,
      );
      const pass = new BatchedPass(config, ws);
      pass.loadWeights(p, 0);
      const grads = zeroGrads(p);
      const sp = new Float32Array(softPrompt.length);
      const opts = { grads, softPrompt, softPromptGrad: sp };
      const loss = pass.run(p, seqs, 0.1, opts);
      flushGradients([ws.layout], [ws.heap], opts, 0, 1);
      expect(loss).toBeCloseTo(refLoss, 3);
      let checked = 0;
      for (const [name, t] of refGrads) {
        const g = grads.get(name)!.data;
        let scale = 0;
        for (const v of t.data) scale = Math.max(scale, Math.abs(v));
        expect(scale, name).toBeGreaterThan(0);
        for (let i = 0; i < g.length; i++, checked++) expect(Math.abs(g[i] - t.data[i]), `${name}[${i}]`).toBeLessThan(1e-4 * scale + 1e-6);
      }
      for (let i = 0; i < sp.length; i++) expect(Math.abs(sp[i] - refSp[i])).toBeLessThan(1e-4);
      expect(checked).toBeGreaterThan(1000);
    });
  }

  it('sums micro-batches bit-for-bit as one large batch, and computes no gradient for frozen tensors', () => {
    const config = smallConfig(true);
    const p = params(config);
    const seqs = randomSeqs(6, config.vocab_size, 5);
    const ws = BatchWorkspace.create(
      config,
      batchCapacity(
        seqs.map((s) => s.ids.length),
        seqs.length,
        config.num_attention_heads,
      ),
      0,
    );
    const pass = new BatchedPass(config, ws);
    pass.loadWeights(p, 0);
    const once = zeroGrads(p);
    const l1 = pass.run(p, seqs, 1, { grads: once });
    flushGradients([ws.layout], [ws.heap], { grads: once }, 0, 1);
    const split = zeroGrads(p);
    const l2 = pass.run(p, seqs.slice(0, 2), 1, { grads: split }) + pass.run(p, seqs.slice(2), 1, { grads: split });
    flushGradients([ws.layout], [ws.heap], { grads: split }, 0, 1);
    expect(l2).toBeCloseTo(l1, 4);
    for (const [n, t] of once) expect(split.get(n)!.data, n).toEqual(t.data);

    const only = new Map([...zeroGrads(p)].filter(([n]) => n.includes('v_proj')));
    pass.run(p, seqs, 1, { grads: only });
    flushGradients([ws.layout], [ws.heap], { grads: only }, 0, 1);
    for (const [n, t] of only) expect(t.data, n).toEqual(once.get(n)!.data);
  });
});
