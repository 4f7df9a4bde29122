import type { LeasedWrite } from '@platform/jobs';
import { DeploymentEntity } from '../../deployments/deployment.entity';
import { lifecycleEvent } from '../../deployments/lifecycle-event';
import { ReplicaEntity } from '../replica.entity';

/** The deployment's status changes a keeper makes, each with its lifecycle event; conditional on the rev it kept. */

export const READY_MESSAGE = 'The deployment is successful';
export const FAILURE_CODE = 'deployment_failed';

/** initializing | updating → ready, once the current rev is routable. */
export function markDeploymentReady(d: DeploymentEntity): LeasedWrite {
  return async (m) => {
    const res = await m.update(
      DeploymentEntity,
      { id: d.id, rev: d.rev },
      { state: 'ready', statusMessage: READY_MESSAGE, failureCode: null, failureMessage: null },
    );
    if (!res.affected) return [];
    return [lifecycleEvent('deployment.ready', { ...d, state: 'ready' }, READY_MESSAGE)];
  };
}

/**
 * The current rev cannot start. `final`: nothing else serves, so the keeper's job ends failed too (an update or a
 * delete queues it again); otherwise the previous rev's replicas keep serving while the deployment shows the failure.
 */
export function markDeploymentFailed(d: DeploymentEntity, message: string, final: boolean): LeasedWrite {
  return async (m) => {
    const res = await m.update(
      DeploymentEntity,
      { id: d.id, rev: d.rev },
      {
        state: 'failed',
        statusMessage: null,
        failureCode: FAILURE_CODE,
        failureMessage: message.slice(0, 4000),
        ...(final ? { status: 'failed' as const, failureReason: message.slice(0, 2000), completedAt: new Date() } : {}),
      },
    );
    if (!res.affected) return [];
    return [lifecycleEvent('deployment.failed', { ...d, state: 'failed' }, message.slice(0, 1000))];
  };
}

/** The last write of a deleted (or expired temporary) deployment: its rows go, `deployment.deleted` goes out. */
export function deleteDeployment(d: DeploymentEntity): LeasedWrite {
  return async (m) => {
    await m.delete(ReplicaEntity, { deploymentId: d.id });
    await m.delete(DeploymentEntity, { id: d.id });
    return [lifecycleEvent('deployment.deleted', d)];
  };
}

/** A keeper that reached a steady state: claims count failed keepers in a row, not restarts of the service. */
export function resetAttempts(d: DeploymentEntity): LeasedWrite {
  return async (m) => {
    await m.update(DeploymentEntity, { id: d.id }, { attempts: 0 });
  };
}
