import { describe, expect, it } from 'vitest';
import { workspaceLayout } from './batch-workspace';
import { flushGradients } from './grad-flush';
import { EMBED, LM_HEAD, paramShapes } from './llama-params';
import { createRng, numel, type ParamMap } from './tensor';
import { smallConfig } from './test-fixture';

describe('flushGradients', () => {
  for (const tied of [true, false]) {
    it(`sums ${tied ? 'tied' : 'untied'} workspaces into the sinks in thread order, to the bit whatever the parts, and clears them`, () => {
      const c = smallConfig(tied);
      const layout = workspaceLayout(c, { rows: 8, probs: 256 }, 2);
      const rng = createRng(3);
      const heaps = [0, 1, 2].map(() => new Float32Array(layout.floats));
      for (const h of heaps) for (let i = layout.gradStart; i < layout.gradEnd; i++) h[i] = (rng() - 0.5) * 10 ** Math.floor(rng() * 6 - 3);
      const sinksWith = (): { grads: ParamMap; softPromptGrad: Float32Array } => ({
        grads: new Map(
          [...paramShapes(c)].map(([n, shape]) => [n, { shape, data: Float32Array.from({ length: numel(shape) }, (_, i) => i / 7) }]),
        ),
        softPromptGrad: Float32Array.from({ length: 2 * c.hidden_size }, (_, i) => -i),
      });

      // The reference: one workspace after the other, each adding its head's gradient before its input embedding's.
      const ref = sinksWith();
      for (const h of heaps) {
        const add = (dst: Float32Array, at: number): void => {
          for (let i = 0; i < dst.length; i++) dst[i] += h[at + i];
        };
        const L = layout.layers[0];
        add(ref.grads.get('model.layers.0.self_attn.q_proj.weight')!.data, L.gq);
        add(ref.grads.get('model.layers.1.mlp.down_proj.weight')!.data, layout.layers[1].gdown);
        add(ref.grads.get('model.layers.1.post_attention_layernorm.weight')!.data, layout.layers[1].gnorm2);
        add(ref.grads.get(tied ? EMBED : LM_HEAD)!.data, layout.ghead);
        add(ref.grads.get(EMBED)!.data, layout.gembIn);
        add(ref.softPromptGrad, layout.gsoft);
      }

      for (const parts of [1, 3]) {
        const copies = heaps.map((h) => h.slice());
        const sinks = sinksWith();
        for (let part = parts - 1; part >= 0; part--) flushGradients(layout, copies, sinks, part, parts);
        for (const n of [
          'model.layers.0.self_attn.q_proj.weight',
          'model.layers.1.mlp.down_proj.weight',
          'model.layers.1.post_attention_layernorm.weight',
          EMBED,
        ]) {
          expect(sinks.grads.get(n)!.data, `${n}, ${parts} parts`).toEqual(ref.grads.get(n)!.data);
        }
        if (!tied) expect(sinks.grads.get(LM_HEAD)!.data).toEqual(ref.grads.get(LM_HEAD)!.data);
        expect(sinks.softPromptGrad).toEqual(ref.softPromptGrad);
        for (const h of copies) expect(h.subarray(layout.gradStart, layout.gradEnd).every((v) => v === 0)).toBe(true);
      }
    });
  }

  it('clears the accumulators of frozen tensors, which have no sink', () => {
    const layout = workspaceLayout(smallConfig(true), { rows: 8, probs: 256 }, 0);
    const heap = new Float32Array(layout.floats).fill(1);
    flushGradients(layout, [heap], { grads: new Map() }, 0, 1);
    expect(heap.subarray(layout.gradStart, layout.gradEnd).every((v) => v === 0)).toBe(true);
    expect(heap[layout.gradStart - 1]).toBe(1); // the weights before them are left alone
  });
});
