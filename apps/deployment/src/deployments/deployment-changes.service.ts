import { Inject, Injectable } from '@nestjs/common';
import { PlatformError, isUniqueViolation } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { PROMPT_TEMPLATES } from '../deployment.tokens';
import { deployedTypeOf } from './create-rules';
import { DeploymentEntity, type DeploymentState } from './deployment.entity';
import { checkContainer, desiredReplicas } from './deployment-fields';
import { hasOwnReplicas, patchDeployment, type PatchedDeployment } from './deployment-patch';
import { DeploymentStore, servingNameTaken } from './deployment-store';
import { lifecycleEvent } from './lifecycle-event';
import type { Container, PromptTemplates } from './prompt-templates';
import { templateNotFound } from './deployments.service';

/** Asset types that run on the same kind of model server, so a PATCH of /asset may swap one for the other. */
const SWAPPABLE = new Set(['custom_foundation_model', 'fine_tune']);

/** PATCH (JSON Patch on the seed's paths) and DELETE of `/ml/v4/deployments/{id}`. */
@Injectable()
export class DeploymentChangesService {
  constructor(
    private readonly store: DeploymentStore,
    @Inject(PROMPT_TEMPLATES) private readonly templates: PromptTemplates,
  ) {}

  /**
   * Applies the patch under the row's lock. A new asset, hardware spec or replica count is a new rev: the keeper
   * brings its replicas up before it drains the old ones (state `updating`), and is handed the deployment again if it
   * had stopped keeping it.
   */
  async update(req: deploymentV1.UpdateDeploymentRequest): Promise<deploymentV1.Deployment> {
    const container = checkContainer(req.projectId, req.spaceId);
    let servingName: string | null = null;
    try {
      const row = await this.store.transaction(async (m) => {
        const before = await this.store.lock(m, container, req.id);
        if (before.temporary) throw PlatformError.invalid('A temporary deployment cannot be patched.', 'id');
        const patched = patchDeployment(before, req.patchJson);
        if (patched.changed.size === 0) return before;
        servingName = patched.online.servingName;
        const set = await this.changes(m, container, before, patched);
        // jsonb columns hold plain objects, which TypeORM's deep-partial type does not model.
        await m.getRepository(DeploymentEntity).update({ id: before.id }, set as QueryDeepPartialEntity<DeploymentEntity>);
        const after = await m.getRepository(DeploymentEntity).findOneByOrFail({ id: before.id });
        if (after.rev !== before.rev) await this.store.requeueIfIdle(m, after.id);
        await this.store.publish(m, [lifecycleEvent('deployment.updated', after, `changed: ${[...patched.changed].join(', ')}`)]);
        return after;
      });
      return await this.store.view(row);
    } catch (err) {
      if (servingName && isUniqueViolation(err)) throw servingNameTaken(servingName);
      throw err;
    }
  }

  /** The columns the patch changes, after its references are found (404) and a new serving name is checked (409). */
  private async changes(
    m: EntityManager,
    container: Container,
    before: DeploymentEntity,
    p: PatchedDeployment,
  ): Promise<Partial<DeploymentEntity>> {
    const set: Partial<DeploymentEntity> = {
      name: p.name,
      description: p.description,
      tags: p.tags,
      custom: p.custom,
      onlineParameters: p.online.parameters,
      servingName: p.online.servingName,
      promptTemplateId: p.promptTemplateId,
      baseModelId: p.baseModelId,
      modifiedAt: new Date(),
    };
    if (
      p.online.servingName &&
      p.online.servingName !== before.servingName &&
      (await this.store.servingNameUsed(p.online.servingName, m, before.id))
    )
      throw servingNameTaken(p.online.servingName);
    if (p.promptTemplateId && p.promptTemplateId !== before.promptTemplateId && !(await this.templates.find(p.promptTemplateId, container)))
      throw templateNotFound(p.promptTemplateId);
    let modelPrefix = before.modelPrefix;
    if (p.assetId && p.assetId !== before.assetId) {
      const asset = await this.store.findAsset(container, p.assetId, m);
      const type = deployedTypeOf(asset.type);
      if (type !== before.deployedAssetType && !(SWAPPABLE.has(type) && SWAPPABLE.has(before.deployedAssetType)))
        throw PlatformError.invalid(
          `asset.id ${asset.id} is a ${asset.type} model asset; this ${before.deployedAssetType} deployment cannot serve it.`,
          'asset.id',
        );
      Object.assign(set, { assetId: asset.id, deployedAssetType: type, baseModelId: asset.baseModelId || null });
      // Another pattern (of this experiment or another): its foundation model and the prompt it asks for follow at once.
      if (type === 'autoai_rag_pattern')
        Object.assign(set, { modelId: asset.baseModelId, ragExperimentId: asset.trainingId, ragPatternName: asset.ragPatternName });
      modelPrefix = asset.contentPrefix;
    }
    if (!hasOwnReplicas(before)) return set;
    const replicas = desiredReplicas(p.hardware?.spec ?? null, p.hardwareRequest);
    const hardwareProfile = p.hardware?.profile.id ?? before.hardwareProfile;
    Object.assign(set, {
      hardwareSpec: p.hardware?.spec ?? null,
      hardwareRequest: p.hardwareRequest,
      replicas,
      hardwareProfile,
      modelPrefix,
    });
    if (modelPrefix !== before.modelPrefix || hardwareProfile !== before.hardwareProfile || replicas !== before.replicas) {
      const settled: DeploymentState[] = ['ready', 'updating'];
      Object.assign(set, {
        rev: before.rev + 1,
        state: settled.includes(before.state) ? 'updating' : 'initializing',
        statusMessage: null,
        failureCode: null,
        failureMessage: null,
      });
    }
    return set;
  }

  /**
   * A deployment with replicas is marked deleted (its serving name is free at once) and its keeper removes the
   * replicas, then the row, and publishes `deployment.deleted`; one without replicas of its own goes at once.
   */
  async delete(req: deploymentV1.DeleteDeploymentRequest): Promise<void> {
    const container = checkContainer(req.projectId, req.spaceId);
    await this.store.transaction(async (m) => {
      const row = await this.store.lock(m, container, req.id);
      if (!hasOwnReplicas(row)) {
        await m.getRepository(DeploymentEntity).delete({ id: row.id });
        await this.store.publish(m, [lifecycleEvent('deployment.deleted', row)]);
        return;
      }
      await m.getRepository(DeploymentEntity).update({ id: row.id }, { deletedAt: () => 'now()', modifiedAt: () => 'now()' });
      await this.store.requeueIfIdle(m, row.id);
    });
  }
}
