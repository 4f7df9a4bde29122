import {
  defineEvents,
  eventsSubjectPrefix,
  type CheckpointRef,
  type TrainingCheckpointSaved,
  type TrainingJobTrained,
} from '@platform/events';

export interface JobFinished {
  modelId: string;
  projectId: string;
  status: 'completed' | 'failed' | 'canceled';
  reason?: string;
}

export interface JobDeleted {
  modelId: string;
  projectId: string;
}

export type TrainingEventMap = {
  'training.checkpoint.saved': TrainingCheckpointSaved;
  'training.job.trained': TrainingJobTrained;
  'training.job.completed': JobFinished;
  'training.job.failed': JobFinished;
  'training.job.canceled': JobFinished;
  'training.job.deleted': JobDeleted;
};

/** Events this service publishes (brief: shared contracts); tests give their own subject prefix. */
export const trainingEventCatalog = (subjectPrefix = eventsSubjectPrefix()) => defineEvents<TrainingEventMap>({ subjectPrefix });
export type TrainingEventCatalog = ReturnType<typeof trainingEventCatalog>;

export interface ModelEvaluated {
  modelId: string;
  projectId: string;
  bestCheckpoint: CheckpointRef;
  metrics: Record<string, unknown>;
}

export interface ModelEvaluationFailed {
  modelId: string;
  projectId: string;
  reason: string;
}

export type EvaluationEventMap = {
  'evaluation.model.evaluated': ModelEvaluated;
  'evaluation.model.failed': ModelEvaluationFailed;
};

/** Events of the evaluation service this service consumes. */
export const evaluationEventCatalog = (subjectPrefix = eventsSubjectPrefix()) => defineEvents<EvaluationEventMap>({ subjectPrefix });

/** A training job on the work queue: the job row holds everything else. */
export interface TrainingRun {
  modelId: string;
  projectId: string;
}

export const JOBS_SUBJECT_PREFIX = 'platform.jobs';
export const jobQueueCatalog = (subjectPrefix = JOBS_SUBJECT_PREFIX) => defineEvents<{ 'training.run': TrainingRun }>({ subjectPrefix });
export type JobQueueCatalog = ReturnType<typeof jobQueueCatalog>;
