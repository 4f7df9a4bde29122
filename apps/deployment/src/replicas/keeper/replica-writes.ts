import { replicaEvents, type EventEnvelope } from '@platform/events';
import type { LeasedWrite } from '@platform/jobs';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { DeploymentEntity } from '../../deployments/deployment.entity';
import { ReplicaEntity, type ReplicaState } from '../replica.entity';
import type { StartedReplica } from '../replica-manager';

/**
 * The replica rows' changes, each written with its announcement in one transaction under the keeper's lease: a row is
 * `ready` exactly when `deployment.replica.ready` went out for it, and leaves `ready` with `deployment.replica.removed`.
 */

type Deployment = Pick<DeploymentEntity, 'id' | 'modelId'>;

export function readyAnnouncement(d: Deployment, replicaId: string, r: StartedReplica): EventEnvelope {
  return replicaEvents.create('deployment.replica.ready', {
    deploymentId: d.id,
    modelId: d.modelId,
    url: r.url,
    adapter: r.adapter,
    replicaId,
    backendModel: r.backendModel,
  });
}

export function removedAnnouncement(d: Deployment, replicaId: string): EventEnvelope {
  return replicaEvents.create('deployment.replica.removed', { replicaId, modelId: d.modelId });
}

/** A new replica row, `starting`, written before its manager starts anything (so a crash leaves a trace of it). */
export function insertStarting(
  d: Pick<DeploymentEntity, 'id' | 'rev'>,
  manager: string,
  restarts: number,
  out: (row: ReplicaEntity) => void,
): LeasedWrite {
  return async (m) => {
    const repo = m.getRepository(ReplicaEntity);
    out(await repo.save(repo.create({ deploymentId: d.id, rev: d.rev, manager, state: 'starting', restarts })));
  };
}

/** started or adopted → `ready` with its handle, and announced. */
export function markReady(d: Deployment, row: ReplicaEntity, r: StartedReplica): LeasedWrite {
  return async (m) => {
    await update(m, row, {
      state: 'ready',
      handle: r.handle,
      url: r.url,
      adapter: r.adapter,
      backendModel: r.backendModel,
      readyAt: new Date(),
      lastError: null,
    });
    return [readyAnnouncement(d, row.id, r)];
  };
}

/** Out of rotation: announced removed, running requests finish there before it stops. */
export function markDraining(d: Deployment, row: ReplicaEntity): LeasedWrite {
  return async (m) => {
    await update(m, row, { state: 'draining' });
    return [removedAnnouncement(d, row.id)];
  };
}

/**
 * The replica ended (`stopped`: by the keeper; `failed`: it could not start, or crashed), announced removed when it
 * was still in rotation.
 */
export function markEnded(
  d: Deployment,
  row: ReplicaEntity,
  state: Extract<ReplicaState, 'stopped' | 'failed'>,
  announced: boolean,
  error?: string,
): LeasedWrite {
  return async (m) => {
    await update(m, row, { state, stoppedAt: new Date(), ...(error ? { lastError: error.slice(0, 4000) } : {}) });
    return announced ? [removedAnnouncement(d, row.id)] : [];
  };
}

async function update(m: EntityManager, row: ReplicaEntity, values: Partial<ReplicaEntity>): Promise<void> {
  await m.update(ReplicaEntity, { id: row.id }, values as QueryDeepPartialEntity<ReplicaEntity>);
  Object.assign(row, values);
}
