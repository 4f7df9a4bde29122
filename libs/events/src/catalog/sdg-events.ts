import { defineEvents, type EventCatalog } from '../envelope';

/** One leaf's part of a run: its batches (generation and, for knowledge, MMLU-branch questions) and samples kept. */
export interface SdgLeafProgress {
  leaf: string;
  batchesDone: number;
  batchesTotal: number;
  samples: number;
}

/**
 * A running data generation run's progress (throttled by the worker): stage, done of total, samples so far, and per
 * leaf (at most SDG_PROGRESS_MAX_LEAVES: a larger taxonomy reports its unfinished leaves first; absent while preparing).
 */
export interface SdgJobProgress {
  dataId: string;
  projectId: string;
  stage: string;
  done: number;
  total: number;
  samples: number;
  leaves?: SdgLeafProgress[];
}

/** Bounds one progress event (and the job row's progress) whatever the taxonomy's size. */
export const SDG_PROGRESS_MAX_LEAVES = 100;

export interface SdgJobCompleted {
  dataId: string;
  projectId: string;
  taxonomyId: string;
}

export interface SdgJobFailed {
  dataId: string;
  projectId: string;
  reason: string;
}

export interface SdgJobCanceled {
  dataId: string;
  projectId: string;
}

export type SdgEvents = {
  'sdg.job.progress': SdgJobProgress;
  'sdg.job.completed': SdgJobCompleted;
  'sdg.job.failed': SdgJobFailed;
  /** Also the workers' prompt cancel notice (a plain subscription on its subject). */
  'sdg.job.canceled': SdgJobCanceled;
};

export const sdgEvents: EventCatalog<SdgEvents> = defineEvents<SdgEvents>();
