import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, freemem, hostname, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { ObjectStore } from '@platform/object-store';
import type { ResolvedHyperparameters } from '../hyperparameters';

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
