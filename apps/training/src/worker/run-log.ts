import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, freemem, hostname, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { ObjectStore } from '@platform/object-store';
import type { ResolvedHyperparameters } from '../hyperparameters';
import { modelPrefix } from '../model-jobs.service';
import type { JobStore } from './job-store';

/** The run's own log (trainer output, steps, checkpoints), kept on disk and copied to trained_models/<id>/logs/. */
export class RunLog {
  constructor(
    private readonly file: string,
    private readonly key: string,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  line(text: string): void {
    appendFileSync(this.file, `${new Date().toISOString()} ${text}\n`);
  }

  json(record: Record<string, unknown>): void {
    this.line(JSON.stringify(record));
  }

  async upload(store: ObjectStore): Promise<void> {
    await store.put(this.key, readFileSync(this.file), 'text/plain');
  }
}

/**
 * After a run stopped: a canceled job keeps its log, a deleted one leaves nothing behind, a finished one is not written
 * to again. The row is read once more after the upload: a hard delete between the first read and the upload would
 * leave the log behind it, and one after the second read removes the upload too (the delete removes the row first,
 * then the objects).
 */
export async function settleStoppedRun(store: ObjectStore, jobs: Pick<JobStore, 'find'>, jobId: string, log: RunLog): Promise<void> {
  const row = await jobs.find(jobId);
  if (row?.status === 'canceled') {
    await log.upload(store).catch(() => undefined);
    if (await jobs.find(jobId)) return;
  } else if (row) return;
  await store.deletePrefix(modelPrefix(jobId));
}

/** What the seed's logs/ promises besides the log: where and with what the model was trained. */
export function systemDetails(o: {
  executor: Record<string, unknown>;
  hyperparameters: ResolvedHyperparameters;
  baseModel: string;
  attempt: number;
}) {
  const cpuList = cpus();
  return {
    recorded_at: new Date().toISOString(),
    attempt: o.attempt,
    host: hostname(),
    node_version: process.version,
    platform: `${platform()} ${release()}`,
    cpus: { count: cpuList.length, model: cpuList[0]?.model ?? 'unknown' },
    memory: { total_bytes: totalmem(), free_bytes: freemem() },
    executor: o.executor,
    base_model: o.baseModel,
    hyperparameters: o.hyperparameters,
  };
}
