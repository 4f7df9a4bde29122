// The boundary between the SDG job runner (worker, checkpoints, progress) and the generation pipelines.
import type { DataTokensJson } from '@platform/api-types';
import type { SdgLeafProgress } from '@platform/events';
import type { taxonomyV1 } from '@platform/contracts';

export interface SdgProgress {
  stage: string;
  done: number;
  total: number;
  samples: number;
  /** Per leaf, at most SDG_PROGRESS_MAX_LEAVES (see leaf-progress.ts). */
  leaves?: SdgLeafProgress[];
}

export interface CheckpointStore {
  /** Batches already finished for a leaf (rows per batch index), so a resumed run skips them. */
  load(leafPath: string): Promise<Map<number, unknown[]>>;
  /** Saves one finished batch atomically; saving the same (leaf, batch) twice keeps the first. */
  save(leafPath: string, batchIndex: number, rows: unknown[]): Promise<void>;
}

export interface SdgRunContext {
  jobId: string;
  projectId: string;
  taxonomyId: string;
  leaves: taxonomyV1.TaxonomyLeaf[];
  /** Documents (object_key) from the bucket. */
  readObject(key: string): Promise<string>;
  /** Writes data/<jobId>/<relativeKey>. */
  writeOutput(relativeKey: string, body: string): Promise<void>;
  /** Catalog model ids. */
  teacherModel: string;
  judgeModel: string;
  checkpoints: CheckpointStore;
  /** The caller throttles and persists/publishes. */
  progress(p: SdgProgress): void;
  /** Aborted on cancel or shutdown. */
  signal: AbortSignal;
  options: { numInstructions?: number; seed?: number; concurrency?: number };
}

export interface SdgRunResult {
  /** Leaf path (…/qna.yaml) → samples kept. */
  samples: Record<string, number>;
  /** The API's `data_metrics.tokens` as stored and served; `data_leaf_nodes`: leaf path → tokens of its data. */
  tokens: DataTokensJson;
}

export type RunSdg = (ctx: SdgRunContext) => Promise<SdgRunResult>;
