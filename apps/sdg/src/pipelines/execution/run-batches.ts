import type { CheckpointStore } from '../contract';
import type { BlockContext } from '../engine/blocks/block';
import type { Pipeline } from '../engine/pipeline';
import type { Row } from '../engine/row';

export interface BatchJob {
  /** Checkpoint key: the leaf path, with a suffix for a leaf's second pipeline (e.g. `#mmlu`). */
  key: string;
  pipeline: Pipeline;
  batches: Row[][];
}

export interface BatchEvents {
  /** A batch is done (finished now or found in the checkpoints), with how many rows it produced. */
  finished(rows: number): void;
  stage(stage: string): void;
}

/**
 * Runs one leaf's batches through its pipeline. Batches found in the checkpoint store are not run again; every
 * other batch runs at once (the teacher's limiter bounds the calls in flight) and is saved as soon as it ends,
 * so a job stopped at any moment loses at most the batches that were still running.
 */
export async function runBatches(
  job: BatchJob,
  checkpoints: CheckpointStore,
  ctx: Omit<BlockContext, 'seedParts' | 'onStage'> & { seed: number },
  events: BatchEvents,
): Promise<Row[]> {
  const saved = await checkpoints.load(job.key);
  const results: Row[][] = new Array<Row[]>(job.batches.length);
  const pending: number[] = [];
  job.batches.forEach((_, i) => {
    const rows = saved.get(i);
    if (rows) {
      results[i] = rows as Row[];
      events.finished(rows.length);
    } else pending.push(i);
  });
  await Promise.all(
    pending.map(async (i) => {
      const rows = await job.pipeline.run(job.batches[i], { ...ctx, seedParts: [ctx.seed, job.key, i], onStage: events.stage });
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted');
      await checkpoints.save(job.key, i, rows);
      results[i] = rows;
      events.finished(rows.length);
    }),
  );
  return results.flat();
}
