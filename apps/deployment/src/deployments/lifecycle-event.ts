import { deploymentEvents, type DeploymentEvents, type EventEnvelope } from '@platform/events';
import type { DeploymentEntity } from './deployment.entity';

/** A `deployment.*` lifecycle event of a row (published through the outbox with the row's change). */
export function lifecycleEvent(
  type: keyof DeploymentEvents,
  row: Pick<DeploymentEntity, 'id' | 'projectId' | 'spaceId' | 'state' | 'servingName'>,
  message?: string,
): EventEnvelope {
  return deploymentEvents.create(type, {
    deploymentId: row.id,
    ...(row.projectId ? { projectId: row.projectId } : {}),
    ...(row.spaceId ? { spaceId: row.spaceId } : {}),
    state: row.state,
    ...(row.servingName ? { servingName: row.servingName } : {}),
    ...(message ? { message } : {}),
  });
}
