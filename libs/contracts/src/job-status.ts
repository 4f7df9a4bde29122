import { DataJobStatus } from './gen/sdg/v1/sdg';
import { ModelJobStatus } from './gen/training/v1/training';

/** The words the InstructLab API (and the services' own records) use for a job's status. */
export type JobStatusName = 'queued' | 'running' | 'completed' | 'canceled' | 'failed';

/** An SDG run's status as the API words it; an unset status reads as queued, one this build does not know as failed. */
export const dataJobStatusName: Record<DataJobStatus, JobStatusName> = {
  [DataJobStatus.DATA_JOB_STATUS_UNSPECIFIED]: 'queued',
  [DataJobStatus.DATA_JOB_STATUS_QUEUED]: 'queued',
  [DataJobStatus.DATA_JOB_STATUS_RUNNING]: 'running',
  [DataJobStatus.DATA_JOB_STATUS_COMPLETED]: 'completed',
  [DataJobStatus.DATA_JOB_STATUS_CANCELED]: 'canceled',
  [DataJobStatus.DATA_JOB_STATUS_FAILED]: 'failed',
  [DataJobStatus.UNRECOGNIZED]: 'failed',
};

/** A training job's status as the API words it, read the same way as `dataJobStatusName`. */
export const modelJobStatusName: Record<ModelJobStatus, JobStatusName> = {
  [ModelJobStatus.MODEL_JOB_STATUS_UNSPECIFIED]: 'queued',
  [ModelJobStatus.MODEL_JOB_STATUS_QUEUED]: 'queued',
  [ModelJobStatus.MODEL_JOB_STATUS_RUNNING]: 'running',
  [ModelJobStatus.MODEL_JOB_STATUS_COMPLETED]: 'completed',
  [ModelJobStatus.MODEL_JOB_STATUS_CANCELED]: 'canceled',
  [ModelJobStatus.MODEL_JOB_STATUS_FAILED]: 'failed',
  [ModelJobStatus.UNRECOGNIZED]: 'failed',
};
