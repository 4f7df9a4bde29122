import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PlatformError, isIssuedId, isUniqueViolation, pageInfo } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { deploymentModelId } from '@platform/events';
import { IsNull } from 'typeorm';
import type { ModelAssetEntity } from '../assets/model-asset.entity';
import { PROMPT_TEMPLATES } from '../deployment.tokens';
import { assetUseCase, checkCreate, type CheckedCreate } from './create-rules';
import { DeploymentEntity, type DeployedAssetType, type DeploymentJobStatus, type DeploymentState } from './deployment.entity';
import { SERVING_NAME, checkServingName, desiredReplicas } from './deployment-fields';
import { listDeployments } from './deployment-list';
import { DeploymentStore, deploymentNotFound, servingNameTaken } from './deployment-store';
import { DEFAULT_HARDWARE_SPEC } from './hardware-specs';
import { lifecycleEvent } from './lifecycle-event';
import type { Container, PromptTemplates } from './prompt-templates';

/** What a new deployment serves and how, once its references are found. */
export interface Resolved {
  deployedAssetType: DeployedAssetType;
  baseModelId: string | null;
  /** Own replicas of the asset's weights, or none (a template on a foundation model or on a base deployment). */
  modelPrefix: string;
  modelId: (id: string) => string;
  replicas: number;
  state: DeploymentState;
  status: DeploymentJobStatus;
  /** A deployed AutoAI RAG pattern's experiment and pattern, which its text routes ask the documents service about. */
  rag: { experimentId: string; patternName: string } | null;
}

export function templateNotFound(id: string): PlatformError {
  return PlatformError.notFound(`prompt_template.id ${id} was not found.`, 'prompt_template_not_found');
}

/**
 * An AutoAI RAG pattern's deployment: nothing to start, its text routes generate with the pattern's foundation model
 * (the asset's base model), which the inference service's catalog serves, from the prompt the documents service builds.
 */
export function ragPatternDeployment(asset: ModelAssetEntity): Resolved {
  return {
    deployedAssetType: 'autoai_rag_pattern',
    baseModelId: asset.baseModelId,
    modelPrefix: '',
    modelId: () => asset.baseModelId,
    replicas: 0,
    state: 'ready',
    status: 'completed',
    rag: { experimentId: asset.trainingId ?? '', patternName: asset.ragPatternName ?? '' },
  };
}

/** `/ml/v4/deployments`: create (row, event and keeper message in one transaction), read, list, resolve. */
@Injectable()
export class DeploymentsService {
  constructor(
    private readonly store: DeploymentStore,
    @Inject(PROMPT_TEMPLATES) private readonly templates: PromptTemplates,
  ) {}

  async create(req: deploymentV1.CreateDeploymentRequest): Promise<deploymentV1.Deployment> {
    const checked = checkCreate(req);
    const resolved = await this.resolve(checked);
    const servingName = checked.online.servingName;
    if (servingName && (await this.store.servingNameUsed(servingName))) throw servingNameTaken(servingName);
    const id = randomUUID();
    try {
      const row = await this.store.transaction(async (m) => {
        // Locked until commit: an asset deleted since `resolve` is a 404 here, and a delete waiting on it sees this row.
        if (checked.shape.kind === 'asset') await this.store.findAsset(checked.container, checked.shape.assetId, m);
        const repo = m.getRepository(DeploymentEntity);
        const saved = await repo.save(
          repo.create({
            id,
            ...checked.container,
            name: checked.name,
            description: checked.description,
            tags: checked.tags,
            custom: checked.custom,
            assetId: checked.shape.kind === 'asset' ? checked.shape.assetId : null,
            promptTemplateId: checked.shape.promptTemplateId,
            baseModelId: resolved.baseModelId,
            baseDeploymentId: checked.shape.kind === 'base_deployment' ? checked.shape.baseDeploymentId : null,
            servingName,
            onlineParameters: checked.online.parameters,
            hardwareSpec: checked.hardware?.spec ?? null,
            hardwareRequest: null,
            deployedAssetType: resolved.deployedAssetType,
            state: resolved.state,
            rev: 1,
            replicas: resolved.replicas,
            modelPrefix: resolved.modelPrefix,
            hardwareProfile: checked.hardware?.profile.id ?? DEFAULT_HARDWARE_SPEC,
            modelId: resolved.modelId(id),
            temporary: false,
            ragExperimentId: resolved.rag?.experimentId ?? null,
            ragPatternName: resolved.rag?.patternName ?? null,
            createdBy: req.createdBy,
            status: resolved.status,
            attempts: 0,
          }),
        );
        await this.store.publish(m, [lifecycleEvent('deployment.created', saved)]);
        if (saved.replicas > 0) await this.store.enqueue(m, saved.id);
        return saved;
      });
      // Read back: the database sets created_at and modified_at.
      return await this.store.view(await this.store.db.getRepository(DeploymentEntity).findOneByOrFail({ id: row.id }));
    } catch (err) {
      if (servingName && isUniqueViolation(err)) throw servingNameTaken(servingName);
      throw err;
    }
  }

  /** The asset, template and base deployment the request names (404 when one is not found), and what they make of it. */
  private async resolve(c: CheckedCreate): Promise<Resolved> {
    const { shape, container } = c;
    if (shape.kind === 'asset') {
      const asset = await this.store.findAsset(container, shape.assetId);
      const deployedAssetType = assetUseCase(asset.type, c);
      if (deployedAssetType === 'autoai_rag_pattern') return ragPatternDeployment(asset);
      if (shape.promptTemplateId) await this.requireTemplate(shape.promptTemplateId, container);
      return {
        rag: null,
        deployedAssetType,
        baseModelId: asset.baseModelId || null,
        modelPrefix: asset.contentPrefix,
        modelId: deploymentModelId,
        replicas: desiredReplicas(c.hardware?.spec ?? null, null),
        state: 'initializing',
        status: 'queued',
      };
    }
    if (shape.kind === 'prompt_template') {
      await this.requireTemplate(shape.promptTemplateId, container);
      // The template's foundation model is served by the inference service's catalog: nothing to start.
      const { baseModelId } = shape;
      return {
        rag: null,
        deployedAssetType: 'foundation_model',
        baseModelId,
        modelPrefix: '',
        modelId: () => baseModelId,
        replicas: 0,
        state: 'ready',
        status: 'completed',
      };
    }
    const base = await this.store.find(container, shape.baseDeploymentId);
    if (!base || base.temporary)
      throw PlatformError.notFound(
        `base_deployment_id ${shape.baseDeploymentId} was not found in this ${container.projectId ? 'project' : 'space'}.`,
        'deployment_not_found',
      );
    if (base.replicas === 0 || (base.deployedAssetType !== 'custom_foundation_model' && base.deployedAssetType !== 'fine_tune'))
      throw PlatformError.invalid(
        'base_deployment_id must name a deployment of a custom foundation model or a fine tuned model.',
        'base_deployment_id',
      );
    await this.requireTemplate(shape.promptTemplateId, container);
    // Routed to the base deployment's pool; its status is the base's (see DeploymentStore.views).
    return {
      rag: null,
      deployedAssetType: base.deployedAssetType,
      baseModelId: base.baseModelId,
      modelPrefix: '',
      modelId: () => base.modelId,
      replicas: 0,
      state: base.state,
      status: 'completed',
    };
  }

  private async requireTemplate(id: string, container: Container): Promise<void> {
    if (!(await this.templates.find(id, container))) throw templateNotFound(id);
  }

  async get(container: Container, id: string): Promise<deploymentV1.Deployment> {
    const row = await this.store.find(container, id);
    if (!row) throw deploymentNotFound(id);
    return this.store.view(row);
  }

  async list(req: deploymentV1.ListDeploymentsRequest): Promise<deploymentV1.ListDeploymentsResponse> {
    const page = await listDeployments(this.store.db, req);
    return { deployments: await this.store.views(page.items), ...pageInfo(page) };
  }

  /** By id or serving name, whatever the container (the gateway checks access to it); never a temporary or deleted one. */
  async resolveIdOrName(idOrName: string): Promise<deploymentV1.Deployment> {
    const by = isIssuedId(idOrName) ? { id: idOrName } : SERVING_NAME.test(idOrName) ? { servingName: idOrName } : null;
    const row = by
      ? await this.store.db.getRepository(DeploymentEntity).findOne({ where: { ...by, temporary: false, deletedAt: IsNull() } })
      : null;
    if (!row) throw deploymentNotFound(idOrName);
    return this.store.view(row);
  }

  async servingNameAvailable(name: string): Promise<boolean> {
    return !(await this.store.servingNameUsed(checkServingName(name, 'serving_name')));
  }
}
