import { describe, expect, it } from 'vitest';
import { BatchWorkspace, workspaceLayout } from './batch-workspace';
import { flushGradients } from './grad-flush';
import { EMBED, LM_HEAD, paramShapes } from './llama-params';
import { AdamW, type TrainableParam } from './optimizer';
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
        for (let part = parts - 1; part >= 0; part--) flushGradients([layout, layout, layout], copies, sinks, part, parts);
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

  for (const tied of [true, false]) {
    it(`adds with the kernels, to the same bits, where every workspace and the ${tied ? 'tied' : 'untied'} sinks share one memory`, () => {
      const c = smallConfig(tied);
      const trainables: TrainableParam[] = [...paramShapes(c)].map(([name, shape]) => ({
        name,
        value: { shape, data: new Float32Array(numel(shape)) },
        grad: { shape, data: Float32Array.from({ length: numel(shape) }, (_, i) => i / 7) },
        decay: true,
      }));
      const { workspaces, memory } = BatchWorkspace.createAll(c, { rows: 8, probs: 256 }, 0, 3, AdamW.floatsFor(trainables));
      expect(memory).toBeDefined();
      new AdamW(trainables, {}, memory); // the sinks move into the memory, before the workspaces
      const grads: ParamMap = new Map(trainables.map((t) => [t.name, t.grad]));
      expect(grads.get(EMBED)!.data.buffer).toBe(workspaces[0].heap.buffer);
      const rng = createRng(5);
      for (const { heap, layout } of workspaces)
        for (let i = layout.gradStart; i < layout.gradEnd; i++) heap[i] = (rng() - 0.5) * 10 ** Math.floor(rng() * 6 - 3);

      // The reference: the same adds one workspace after the other, in JS.
      const ref = new Map([...grads].map(([n, t]) => [n, t.data.slice()]));
      for (const { heap, layout } of workspaces) {
        const add = (name: string, at: number): void => {
          const dst = ref.get(name)!;
          for (let i = 0; i < dst.length; i++) dst[i] += heap[at + i];
        };
        layout.layers.forEach((L, l) => {
          add(`model.layers.${l}.self_attn.q_proj.weight`, L.gq);
          add(`model.layers.${l}.mlp.down_proj.weight`, L.gdown);
          add(`model.layers.${l}.input_layernorm.weight`, L.gnorm1);
        });
        add(tied ? EMBED : LM_HEAD, layout.ghead);
        add(EMBED, layout.gembIn);
      }

      const [heaps, layouts] = [workspaces.map((w) => w.heap), workspaces.map((w) => w.layout)];
      for (const part of [2, 0, 1]) flushGradients(layouts, heaps, { grads }, part, 3, workspaces[0].acc);
      for (const [n, want] of ref)
        if (/q_proj|down_proj|input_layernorm|embed|lm_head/.test(n)) expect(grads.get(n)!.data, n).toEqual(want);
      for (const { heap, layout } of workspaces) expect(heap.subarray(layout.gradStart, layout.gradEnd).every((v) => v === 0)).toBe(true);
    });
  }

  it('clears the accumulators of frozen tensors, which have no sink', () => {
    const layout = workspaceLayout(smallConfig(true), { rows: 8, probs: 256 }, 0);
    const heap = new Float32Array(layout.floats).fill(1);
    flushGradients([layout], [heap], { grads: new Map() }, 0, 1);
    expect(heap.subarray(layout.gradStart, layout.gradEnd).every((v) => v === 0)).toBe(true);
    expect(heap[layout.gradStart - 1]).toBe(1); // the weights before them are left alone
  });
});
