import { sleep } from '@platform/common';
import type { RunSdg, SdgRunContext } from '../../pipelines/contract';

export interface BatchWriterOptions {
  batches: number;
  rowsPerBatch: number;
  /** Time each batch "takes", in ms. */
  batchMs: number;
  /** Called for every batch this run generated (not the ones it found checkpointed). */
  onBatch?(job: string, leaf: string, batch: number): void;
  /** Called when a run starts and ends, to see how many runs of one job overlap. */
  onRun?(job: string, delta: 1 | -1): void;
}

/**
 * Stands in for the generation pipelines in the job runner's durability tests only: per leaf, it skips the batches
 * the checkpoint store already has and saves each new batch as it finishes, exactly the contract the real pipelines
 * follow, so a crash or a second worker shows up as missing or duplicated checkpoint rows.
 */
export function batchWriter(o: BatchWriterOptions): RunSdg {
  return async (ctx: SdgRunContext) => {
    o.onRun?.(ctx.jobId, 1);
    try {
      const samples: Record<string, number> = {};
      let done = 0;
      const total = ctx.leaves.length * o.batches;
      for (const leaf of ctx.leaves) {
        const finished = await ctx.checkpoints.load(leaf.path);
        for (let b = 0; b < o.batches; b++) {
          if (!finished.has(b)) {
            await sleep(o.batchMs, ctx.signal);
            const rows = Array.from({ length: o.rowsPerBatch }, (_, i) => ({ id: `${leaf.path}#${b}.${i}`, batch: b }));
            await ctx.checkpoints.save(leaf.path, b, rows);
            o.onBatch?.(ctx.jobId, leaf.path, b);
          }
          done++;
          ctx.progress({ stage: 'generate', done, total, samples: done * o.rowsPerBatch });
        }
        samples[leaf.path] = o.batches * o.rowsPerBatch;
      }
      await ctx.writeOutput('manifest.json', JSON.stringify({ data_id: ctx.jobId, taxonomy_id: ctx.taxonomyId, samples }));
      const rows = Object.values(samples).reduce((a, b) => a + b, 0);
      return {
        samples,
        tokens: {
          data_tokens_total: rows * 10,
          data_leaf_nodes: Object.fromEntries(Object.entries(samples).map(([leaf, n]) => [leaf, n * 10])),
          training_estimated: rows * 30,
          training_phases: { phase_1_knowledge: rows * 10, phase_2_skills: rows * 20 },
        },
      };
    } finally {
      o.onRun?.(ctx.jobId, -1);
    }
  };
}
