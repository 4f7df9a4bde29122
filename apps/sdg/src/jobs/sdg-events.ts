import { defineEvents } from '@platform/events';

export interface SdgRunJob {
  dataId: string;
  projectId: string;
}

/**
 * The work queue: a JetStream stream with workqueue retention, one message per job to run, shared by every worker
 * through one durable consumer. Stream and subject prefix can be set per deployment (test platforms sharing one NATS
 * server each use their own, so no worker takes another platform's job).
 */
export interface SdgQueueConfig {
  stream: string;
  subjectPrefix: string;
  durable: string;
}

/** Job messages go through the same outbox as events, on `<subjectPrefix>.sdg.run`. */
export function sdgJobs(queue: SdgQueueConfig) {
  return defineEvents<{ 'sdg.run': SdgRunJob }>({ subjectPrefix: queue.subjectPrefix });
}

export const sdgJobSubjects = (queue: SdgQueueConfig) => [`${queue.subjectPrefix}.sdg.>`];
