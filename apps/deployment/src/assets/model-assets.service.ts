import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NEWEST_FIRST, PlatformError, WATSONX_PAGE, arrayPage, keysetPage, pageRequest, type Page } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { DeploymentEntity } from '../deployments/deployment.entity';
import { MODEL_STORE, PLATFORM_BUCKET, RAG_PATTERNS, TRAINING_RESULTS } from './asset.tokens';
import { requireModelId } from './bucket-path';
import { checkContainer, containerWhere, type Container } from './container';
import { assetNotFound, findAsset } from './find-asset';
import { ModelAssetEntity, type ModelAssetType } from './model-asset.entity';
import { readCreateRequest, type NewModelAsset } from './model-asset-request';
import type { ModelStore, StoredModel } from './model-store';
import type { RagPatterns } from './rag-patterns';
import type { TrainingResults } from './training-results';

/** Where an asset's weights are, once its source was found. */
interface ResolvedContent {
  contentPrefix: string;
  baseModelId: string;
  foundationModelId: string | null;
  trainingId: string | null;
  contentLocation: Record<string, unknown> | null;
  ragPatternName: string | null;
}

/** Model assets (`/ml/v4/models`) and the model store's listing (`/ml/v4/custom_foundation_models`). */
@Injectable()
export class ModelAssetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(MODEL_STORE) private readonly store: ModelStore,
    @Inject(TRAINING_RESULTS) private readonly trainings: TrainingResults,
    @Inject(RAG_PATTERNS) private readonly ragPatterns: RagPatterns,
    @Inject(PLATFORM_BUCKET) private readonly bucket: string,
  ) {}

  /**
   * With `once_per_training` (the training service's auto_update_model) an asset of the same type and training already
   * in the container is returned instead of a second one: a job retried after a crash creates its asset once. The
   * look-up and the insert run under a transaction-scoped advisory lock on the training, so two calls cannot both insert.
   */
  async create(req: deploymentV1.CreateModelAssetRequest): Promise<ModelAssetEntity> {
    const container = checkContainer(req.projectId, req.spaceId);
    const input = readCreateRequest(req, this.bucket);
    const once = req.oncePerTraining && input.source.kind === 'training' ? input.source.trainingId : undefined;
    if (once !== undefined) {
      const existing = await this.existing(this.db.manager, container, input.type, once);
      if (existing) return existing;
    }
    const content = await this.resolve(container, input);
    return this.db.transaction(async (m) => {
      if (once !== undefined) {
        await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`model_asset_training:${once}`]);
        const existing = await this.existing(m, container, input.type, once);
        if (existing) return existing;
      }
      const repo = m.getRepository(ModelAssetEntity);
      return repo.save(
        repo.create({
          projectId: container.projectId,
          spaceId: container.spaceId,
          name: input.name,
          description: input.description,
          tags: input.tags,
          type: input.type,
          softwareSpecName: input.softwareSpecName,
          custom: input.custom,
          createdBy: req.createdBy,
          contentImportState: 'completed',
          ...content,
        }),
      );
    });
  }

  /** The oldest asset of `type` made from `trainingId` in the container, if any. */
  private existing(m: EntityManager, container: Container, type: ModelAssetType, trainingId: string): Promise<ModelAssetEntity | null> {
    return m
      .getRepository(ModelAssetEntity)
      .findOne({ where: { ...containerWhere(container), type, trainingId }, order: { createdAt: 'ASC' } });
  }

  async get(req: deploymentV1.GetModelAssetRequest): Promise<ModelAssetEntity> {
    const container = checkContainer(req.projectId, req.spaceId);
    const asset = await findAsset(this.db.manager, container, req.id);
    if (!asset) throw assetNotFound(container, req.id);
    return asset;
  }

  /** Newest first; `tag_value` keeps assets carrying any of its comma-separated tags, `search` matches the name. */
  list(req: deploymentV1.ListModelAssetsRequest): Promise<Page<ModelAssetEntity>> {
    const container = checkContainer(req.projectId, req.spaceId);
    const page = pageRequest(req, WATSONX_PAGE);
    const q = this.db.getRepository(ModelAssetEntity).createQueryBuilder('a');
    if (container.projectId) q.where('a.project_id = :projectId', { projectId: container.projectId });
    else q.where('a.space_id = :spaceId', { spaceId: container.spaceId });
    const tags = req.tagValue
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (tags.length) q.andWhere('a.tags && CAST(:tags AS text[])', { tags });
    if (req.search) q.andWhere(`a.name ILIKE :search ESCAPE '\\'`, { search: `%${req.search.replace(/[\\%_]/g, '\\$&')}%` });
    return keysetPage(q, NEWEST_FIRST('a'), page);
  }

  /** Refused (409 naming the deployment) while a deployment that is not deleted serves the asset. */
  async delete(req: deploymentV1.DeleteModelAssetRequest): Promise<void> {
    const container = checkContainer(req.projectId, req.spaceId);
    await this.db.transaction(async (m) => {
      const asset = await findAsset(m, container, req.id, 'update');
      if (!asset) throw assetNotFound(container, req.id);
      const user = await m.getRepository(DeploymentEntity).findOne({
        where: { assetId: asset.id, deletedAt: IsNull() },
        select: { id: true, name: true },
        order: { createdAt: 'ASC' },
      });
      if (user)
        throw PlatformError.conflict(
          `Model asset ${asset.id} (${asset.name}) is used by deployment ${user.id} (${user.name}); delete the deployment first.`,
          'id',
        );
      await m.getRepository(ModelAssetEntity).delete({ id: asset.id });
    });
  }

  /** One page of the model store's models by model id, with their specs; the common parameters go with every page. */
  async listCustomFoundationModels(req: deploymentV1.ListCustomFoundationModelsRequest): Promise<Page<StoredModel>> {
    const page = pageRequest(req, WATSONX_PAGE);
    const { models } = await this.store.scan();
    const ids = arrayPage([...models.keys()], (id) => id, page);
    return { ...ids, items: await this.store.describeAll(ids.items, models) };
  }

  private async resolve(container: Container, input: NewModelAsset): Promise<ResolvedContent> {
    const s = input.source;
    const none = { foundationModelId: null, trainingId: null, contentLocation: null, ragPatternName: null };
    if (s.kind === 'model_store') {
      requireModelId(s.modelId);
      const dir = await this.store.find(s.modelId);
      if (!dir)
        throw PlatformError.notFound(
          `foundation_model.model_id ${s.modelId} is not a model of the model store (no ${this.store.prefix}${s.modelId}/config.json).`,
          'model_not_found',
        );
      if (dir.weightKeys.length === 0)
        throw PlatformError.invalid(
          `foundation_model.model_id ${s.modelId}: ${dir.prefix} holds no .safetensors weights.`,
          'foundation_model.model_id',
        );
      return { ...none, contentPrefix: dir.prefix, baseModelId: s.modelId, foundationModelId: s.modelId };
    }
    if (s.kind === 'content_location') {
      const dir = await this.store.directory(s.location.prefix);
      if (!dir.hasConfig)
        throw PlatformError.notFound(
          `content_location.location.path ${s.location.prefix} holds no model: there is no ${s.location.prefix}config.json in bucket ${this.bucket}.`,
          'content_not_found',
        );
      if (dir.weightKeys.length === 0)
        throw PlatformError.invalid(
          `content_location.location.path ${s.location.prefix} holds no .safetensors weights.`,
          'content_location.location.path',
        );
      return { ...none, contentPrefix: dir.prefix, baseModelId: '', contentLocation: s.location.json };
    }
    if (s.kind === 'rag_pattern') {
      // No weights of its own: the pattern's foundation model is the inference service's to serve.
      const pattern = await this.ragPatterns.usable(container, s.experimentId, s.patternName);
      return {
        ...none,
        contentPrefix: '',
        baseModelId: pattern.modelId,
        trainingId: pattern.experimentId,
        ragPatternName: pattern.patternName,
      };
    }
    const trained = await this.trainings.usable(container, s.trainingId, input.type);
    const dir = await this.store.directory(trained.prefix);
    if (!dir.hasConfig || dir.weightKeys.length === 0)
      throw PlatformError.invalid(`training ${s.trainingId} published no model at ${trained.prefix}.`, 'training_id');
    return { ...none, contentPrefix: trained.prefix, baseModelId: trained.baseModelId, trainingId: trained.trainingId };
  }
}
