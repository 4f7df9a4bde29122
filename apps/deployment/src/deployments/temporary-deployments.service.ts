import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PlatformError, isIssuedId } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { deploymentModelId } from '@platform/events';
import { updateReturning } from '@platform/jobs';
import { DeploymentConfig } from '../deployment.config';
import { DEPLOYMENT_SCHEMA } from '../deployment.tokens';
import { DeploymentEntity } from './deployment.entity';
import { MAX_NAME_CHARS, checkContainer } from './deployment-fields';
import { DeploymentStore, deploymentNotFound } from './deployment-store';
import { DEFAULT_HARDWARE_SPEC } from './hardware-specs';
import { lifecycleEvent } from './lifecycle-event';

const MAX_LEASE_MS = 86_400_000;
const MAX_PREFIX_CHARS = 1024;

/** A bucket prefix of a model directory: relative, ending with "/", no empty, "." or ".." segment (it stays inside the bucket). */
export function checkObjectPrefix(prefix: string): string {
  const segments = prefix.split('/').slice(0, -1);
  const ok =
    prefix.length > 1 &&
    prefix.length <= MAX_PREFIX_CHARS &&
    prefix.endsWith('/') &&
    segments.every((s) => s !== '' && s !== '.' && s !== '..') &&
    !/[\u0000-\u001f\\]/.test(prefix);
  if (!ok)
    throw PlatformError.invalid(
      'object_prefix must be a relative bucket prefix ending with "/", without empty, "." or ".." segments (e.g. trained_models/<id>/checkpoints/p1-e1/).',
      'object_prefix',
    );
  return prefix;
}

/**
 * Replicas of a checkpoint for the evaluation service: deployments hidden from the lists and from serving names,
 * kept by a keeper like any other, and deleted by it once their lease passes without a renewal.
 */
@Injectable()
export class TemporaryDeploymentsService {
  constructor(
    private readonly store: DeploymentStore,
    @Inject(DeploymentConfig.token) private readonly config: DeploymentConfig,
  ) {}

  private leaseOf(leaseMs: number): number {
    if (leaseMs === 0) return this.config.keeper.temporaryLeaseMs;
    if (!Number.isInteger(leaseMs) || leaseMs < 1000 || leaseMs > MAX_LEASE_MS)
      throw PlatformError.invalid(`lease_ms must be 0 (the default) or an integer from 1000 to ${MAX_LEASE_MS}.`, 'lease_ms');
    return leaseMs;
  }

  async create(req: deploymentV1.CreateTemporaryDeploymentRequest): Promise<deploymentV1.Deployment> {
    const container = checkContainer(req.projectId, '');
    const modelPrefix = checkObjectPrefix(req.objectPrefix);
    const leaseMs = this.leaseOf(req.leaseMs);
    if (req.label.length > MAX_NAME_CHARS) throw PlatformError.invalid(`label must be at most ${MAX_NAME_CHARS} characters.`, 'label');
    const id = randomUUID();
    await this.store.transaction(async (m) => {
      const repo = m.getRepository(DeploymentEntity);
      const row = await repo.save(
        repo.create({
          id,
          ...container,
          name: req.label || 'temporary deployment',
          description: `Temporary replica of ${modelPrefix}`,
          tags: [],
          custom: null,
          deployedAssetType: 'fine_tune',
          state: 'initializing',
          rev: 1,
          replicas: 1,
          modelPrefix,
          hardwareProfile: DEFAULT_HARDWARE_SPEC,
          modelId: deploymentModelId(id),
          temporary: true,
          leaseMs,
          createdBy: 'platform',
          status: 'queued',
          attempts: 0,
        }),
      );
      // The database's clock, as the keeper compares expires_at with now().
      await m.query(`UPDATE ${DEPLOYMENT_SCHEMA}.deployments SET expires_at = now() + ($2 * interval '1 millisecond') WHERE id = $1`, [
        id,
        leaseMs,
      ]);
      await this.store.publish(m, [lifecycleEvent('deployment.created', row)]);
      await this.store.enqueue(m, id);
    });
    return this.store.view(await this.store.db.getRepository(DeploymentEntity).findOneByOrFail({ id }));
  }

  /** Pushes `expires_at` one lease further; 404 once the deployment is deleted (or its lease already passed and it is gone). */
  async renew(req: deploymentV1.RenewTemporaryDeploymentRequest): Promise<deploymentV1.Deployment> {
    const rows = isIssuedId(req.id)
      ? await updateReturning(
          this.store.db,
          `UPDATE ${DEPLOYMENT_SCHEMA}.deployments SET expires_at = now() + (lease_ms * interval '1 millisecond')
            WHERE id = $1 AND temporary AND deleted_at IS NULL AND expires_at > now() RETURNING id`,
          [req.id],
        )
      : [];
    if (rows.length === 0) throw deploymentNotFound(req.id);
    return this.store.view(await this.store.db.getRepository(DeploymentEntity).findOneByOrFail({ id: req.id }));
  }
}
