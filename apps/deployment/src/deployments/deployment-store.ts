import { PlatformError, isIssuedId } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { OutboxRelay, enqueueEvents, type EventEnvelope } from '@platform/events';
import { updateReturning } from '@platform/jobs';
import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import { findAsset } from '../assets/find-asset';
import type { ModelAssetEntity } from '../assets/model-asset.entity';
import { DEPLOYMENT_SCHEMA } from '../deployment.tokens';
import { enqueueKeeper, type KeeperQueueConfig } from '../replicas/keeper-queue';
import { DeploymentEntity } from './deployment.entity';
import { BASE_GONE, toDeploymentMessage, type LiveStatus } from './deployment-view';
import type { Container } from './prompt-templates';

const TABLE = `${DEPLOYMENT_SCHEMA}.deployments`;

export function deploymentNotFound(id: string): PlatformError {
  return PlatformError.notFound(`Deployment ${id} was not found.`, 'deployment_not_found');
}

export function servingNameTaken(name: string): PlatformError {
  return PlatformError.conflict(`The serving name "${name}" is already used by another deployment.`, 'serving_name');
}

const inContainer = (c: Container) => (c.projectId ? { projectId: c.projectId } : { spaceId: c.spaceId ?? '' });

/**
 * The deployments table as the API uses it: rows of a container, locked for a change, written with their events and
 * keeper messages in one transaction, and shown with the status their replicas (or their base deployment) give them.
 */
export class DeploymentStore {
  constructor(
    readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly queue: KeeperQueueConfig,
  ) {}

  /** A deployment of the container that is not deleted (temporary ones included: their caller reads them by id). */
  async find(container: Container, id: string, m: EntityManager = this.db.manager): Promise<DeploymentEntity | null> {
    if (!isIssuedId(id)) return null;
    return m.getRepository(DeploymentEntity).findOneBy({ id, ...inContainer(container), deletedAt: IsNull() });
  }

  /** `find` under a row lock held until the transaction ends (the keeper's writes wait for it). */
  async lock(m: EntityManager, container: Container, id: string): Promise<DeploymentEntity> {
    const row = isIssuedId(id)
      ? await m
          .getRepository(DeploymentEntity)
          .findOne({ where: { id, ...inContainer(container), deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!row) throw deploymentNotFound(id);
    return row;
  }

  /**
   * The deployable asset `id` of the container (404, or 400 while its content is not imported). Inside a transaction
   * the row stays share-locked until it ends, so a concurrent DeleteModelAsset waits and then sees the deployment.
   */
  async findAsset(container: Container, id: string, m: EntityManager = this.db.manager): Promise<ModelAssetEntity> {
    const asset = await findAsset(m, container, id, m === this.db.manager ? undefined : 'share');
    if (!asset)
      throw PlatformError.notFound(
        `asset.id ${id} was not found: no model asset with this id in this ${container.projectId ? 'project' : 'space'}.`,
        'model_not_found',
      );
    if (asset.contentImportState !== 'completed')
      throw PlatformError.invalid(
        `The model asset ${id} cannot be deployed: its content import is ${asset.contentImportState}.`,
        'asset.id',
      );
    return asset;
  }

  /** Whether a deployment not deleted (other than `exceptId`) holds the serving name. */
  async servingNameUsed(name: string, m: EntityManager = this.db.manager, exceptId?: string): Promise<boolean> {
    const rows = (await m.query(
      `SELECT 1 FROM ${TABLE} WHERE serving_name = $1 AND deleted_at IS NULL AND id IS DISTINCT FROM $2::uuid LIMIT 1`,
      [name, exceptId ?? null],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Runs `fn` in a transaction and wakes the relay once it committed (its events and keeper messages go out at once). */
  async transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(fn);
    this.relay.nudge();
    return result;
  }

  async publish(m: EntityManager, events: EventEnvelope[]): Promise<void> {
    await enqueueEvents(m, DEPLOYMENT_SCHEMA, events);
  }

  async enqueue(m: EntityManager, id: string): Promise<void> {
    await enqueueKeeper(m, DEPLOYMENT_SCHEMA, this.queue, id);
  }

  /**
   * Hands the deployment to a keeper again when none runs it (its keeper failed or finished): its replicas are wanted
   * again (an update) or must be removed (a delete). A keeper still running it sees the change on its next tick.
   */
  async requeueIfIdle(m: EntityManager, id: string): Promise<void> {
    const rows = await updateReturning(
      m,
      `UPDATE ${TABLE} SET status = 'queued', attempts = 0, failure_reason = NULL, completed_at = NULL, lease_owner = NULL,
              lease_expires_at = NULL
        WHERE id = $1 AND status IN ('failed', 'completed') RETURNING id`,
      [id],
    );
    if (rows.length > 0) await this.enqueue(m, id);
  }

  async view(row: DeploymentEntity): Promise<deploymentV1.Deployment> {
    return (await this.views([row]))[0];
  }

  /** Rows as the contract shows them, with their ready replicas, in two queries for a whole page. */
  async views(rows: DeploymentEntity[]): Promise<deploymentV1.Deployment[]> {
    const baseIds = [...new Set(rows.flatMap((r) => (r.baseDeploymentId ? [r.baseDeploymentId] : [])))];
    const bases = baseIds.length ? await this.db.getRepository(DeploymentEntity).findBy({ id: In(baseIds) }) : [];
    const byId = new Map(bases.map((b) => [b.id, b]));
    const counted = [...rows, ...bases];
    const ready = await this.readyReplicas(counted);
    const own = (r: DeploymentEntity): LiveStatus => ({
      state: r.state,
      statusMessage: r.statusMessage,
      failureCode: r.failureCode,
      failureMessage: r.failureMessage,
      readyReplicas: ready.get(r.id) ?? 0,
    });
    return rows.map((r) => {
      if (!r.baseDeploymentId) return toDeploymentMessage(r, own(r));
      const base = byId.get(r.baseDeploymentId);
      return toDeploymentMessage(r, base && !base.deletedAt ? own(base) : BASE_GONE);
    });
  }

  private async readyReplicas(rows: DeploymentEntity[]): Promise<Map<string, number>> {
    const ids = rows.filter((r) => r.replicas > 0).map((r) => r.id);
    if (!ids.length) return new Map();
    const counts = (await this.db.query(
      `SELECT r.deployment_id AS id, count(*)::int AS ready FROM ${DEPLOYMENT_SCHEMA}.replicas r
         JOIN ${TABLE} d ON d.id = r.deployment_id AND d.rev = r.rev
        WHERE r.state = 'ready' AND r.deployment_id = ANY($1::uuid[]) GROUP BY r.deployment_id`,
      [ids],
    )) as { id: string; ready: number }[];
    return new Map(counts.map((c) => [c.id, c.ready]));
  }
}
