import type { ObjectStore } from '@platform/object-store';
import { maxCombinations } from './evaluation';
import type { RagExperimentEntity } from './rag-experiment.entity';

/** Bucket keys of one experiment's files, all under `<results path>/<experiment id>/`. */
export interface ExperimentKeys {
  /** The experiment's own directory (ends with "/"): everything it writes is under it. */
  root: string;
  trainingStatus: string;
  trainingLog: string;
  /** A pattern's directory (ends with "/"). */
  patternDir(name: string): string;
}

export function experimentKeys(resultsKey: string): ExperimentKeys {
  const root = resultsKey.endsWith('/') ? resultsKey : `${resultsKey}/`;
  return {
    root,
    trainingStatus: `${root}rag/training-status.json`,
    trainingLog: `${root}rag/training.log`,
    patternDir: (name) => `${root}rag/assets/${name}/`,
  };
}

/** The pattern's three files, as whole objects. */
export interface PatternFiles {
  evaluationResults: Buffer;
  indexingNotebook: Buffer;
  inferenceNotebook: Buffer;
}

export function patternFileKeys(keys: ExperimentKeys, name: string): string[] {
  const dir = keys.patternDir(name);
  return [`${dir}evaluation_results.json`, `${dir}indexing_notebook.ipynb`, `${dir}inference_notebook.ipynb`];
}

/** Writes a pattern's files, each a whole object (a reader sees a file whole or not at all). */
export async function writePatternFiles(store: ObjectStore, keys: ExperimentKeys, name: string, files: PatternFiles): Promise<void> {
  const [evaluation, indexing, inference] = patternFileKeys(keys, name);
  await store.put(evaluation, files.evaluationResults, 'application/json');
  await store.put(indexing, files.indexingNotebook, 'application/x-ipynb+json');
  await store.put(inference, files.inferenceNotebook, 'application/x-ipynb+json');
}

/** What `training-status.json` says: the experiment's state and, once it ended, why. */
export interface TrainingStatus {
  id: string;
  state: string;
  step?: string;
  message?: { level: string; text: string };
  patterns_completed: number;
  patterns_planned: number;
  max_combinations?: number;
  running_at?: string;
  completed_at?: string;
  failure?: { code: string; reason: string };
}

export type StatusUpdate = Partial<TrainingStatus> & { state: string };

/** training-status.json of `job` as of now: `update` over its ids, counts and start time. */
export function experimentStatus(job: RagExperimentEntity, update: StatusUpdate, done = 0, planned = 0): TrainingStatus {
  return {
    id: job.id,
    patterns_completed: done,
    patterns_planned: planned,
    max_combinations: maxCombinations(job.parameters.constraints),
    running_at: (job.runningAt ?? new Date()).toISOString(),
    ...update,
  };
}

/**
 * The experiment's log, `training.log`: timestamped lines kept in memory and written whole at each milestone (a
 * pattern done, the end), so the stored log is always a complete file.
 */
export class TrainingLog {
  private readonly lines: string[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: ExperimentKeys,
  ) {}

  line(text: string): void {
    this.lines.push(`${new Date().toISOString()} ${text}`);
  }

  async flush(): Promise<void> {
    await this.store.put(this.keys.trainingLog, Buffer.from(`${this.lines.join('\n')}\n`, 'utf8'), 'text/plain; charset=utf-8');
  }

  async status(status: TrainingStatus): Promise<void> {
    await this.store.put(this.keys.trainingStatus, Buffer.from(`${JSON.stringify(status, null, 2)}\n`, 'utf8'), 'application/json');
  }
}

/** Deletes the given keys (a missing one is not an error). */
export async function deleteKeys(store: ObjectStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) await store.delete(key);
}
