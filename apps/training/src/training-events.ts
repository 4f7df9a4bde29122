import { defineEvents, eventsSubjectPrefix, evaluationEventsWithPrefix, trainingEventsWithPrefix } from '@platform/events';

/** Events this service publishes (names and payloads: the catalog in libs/events); tests give their own subject prefix. */
export const trainingEventCatalog = (subjectPrefix = eventsSubjectPrefix()) => trainingEventsWithPrefix(subjectPrefix);
export type TrainingEventCatalog = ReturnType<typeof trainingEventCatalog>;

/** Events of the evaluation service this service consumes. */
export const evaluationEventCatalog = (subjectPrefix = eventsSubjectPrefix()) => evaluationEventsWithPrefix(subjectPrefix);

/** A training job on the work queue: the job row holds everything else. */
export interface TrainingRun {
  modelId: string;
  projectId: string;
}

export const JOBS_SUBJECT_PREFIX = 'platform.jobs';
export const jobQueueCatalog = (subjectPrefix = JOBS_SUBJECT_PREFIX) => defineEvents<{ 'training.run': TrainingRun }>({ subjectPrefix });
export type JobQueueCatalog = ReturnType<typeof jobQueueCatalog>;
