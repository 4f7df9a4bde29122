import { defineEvents, type EventCatalog } from '../envelope';

/** A running data generation run's progress (throttled by the worker): stage, done of total, samples so far. */
export interface SdgJobProgress {
  dataId: string;
  projectId: string;
  stage: string;
  done: number;
  total: number;
  samples: number;
}

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
