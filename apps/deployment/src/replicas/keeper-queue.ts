import { defineEvents, enqueueEvent } from '@platform/events';
import type { EntityManager } from 'typeorm';

/** The queue message that hands a deployment to a keeper: only a pointer, the row holds the desired state. */
export interface KeepDeployment {
  deploymentId: string;
}

/**
 * The keepers' work queue (a JetStream stream with workqueue retention, one durable shared by every deployment
 * service instance). Stream and subject prefix can be set per platform (test platforms sharing one NATS server each
 * use their own, so no keeper takes another platform's deployment).
 */
export interface KeeperQueueConfig {
  stream: string;
  subjectPrefix: string;
  durable: string;
}

/** Queue messages go through the same outbox as events, on `<subjectPrefix>.deployment.keep`. */
export function keeperJobs(queue: KeeperQueueConfig) {
  return defineEvents<{ 'deployment.keep': KeepDeployment }>({ subjectPrefix: queue.subjectPrefix });
}

export const keeperJobSubjects = (queue: KeeperQueueConfig) => [`${queue.subjectPrefix}.deployment.>`];

/**
 * Queues a deployment for a keeper in the caller's transaction (a new deployment, or one whose keeper had finished:
 * failed, then updated or deleted), so the row's change and its message are written together.
 */
export async function enqueueKeeper(
  m: EntityManager,
  schema: string,
  queue: KeeperQueueConfig,
  deploymentId: string,
  traceId?: string,
): Promise<void> {
  await enqueueEvent(m, schema, keeperJobs(queue).create('deployment.keep', { deploymentId }, { traceId }));
}
