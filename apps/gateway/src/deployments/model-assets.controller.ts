import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, WATSONX_PAGE, pageLinks, pageRequest, unary } from '@platform/common';
import { deploymentV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from '../inference/api-version';
import { DEPLOYMENT_CLIENT } from './deployment-client';
import { CreateModelAssetRequest } from './model-asset.dto';
import { modelAssetView } from './model-asset-view';
import { IN_CONTAINER_VERSIONED, resourceContainer } from '../access/resource-container';
import { queryFlag } from '../http/query-flag';

/** `training.id`, or the deprecated `training_id`; both given must agree. */
function trainingIdOf(body: CreateModelAssetRequest): string {
  const [a, b] = [body.training?.id, body.training_id];
  if (a !== undefined && b !== undefined && a !== b)
    throw PlatformError.invalid('training.id and training_id name different trainings.', 'training_id');
  return a ?? b ?? '';
}

/**
 * watsonx.ai model assets (seed 001) of the types a deployment serves: a model of the model store (custom foundation
 * model), a completed InstructLab training, a model directory in the bucket, or a pattern of a completed AutoAI RAG
 * experiment (`autoai_rag_pattern`: `training.id` and `custom.pattern_name`). POST, GET (list), GET and DELETE
 * /ml/v4/models/{model_id}; reads need the viewer role on the project or space, changes the editor role.
 */
@ApiTags('Deployments')
@Controller('ml/v4/models')
export class ModelAssetsController implements OnModuleInit {
  private assets!: deploymentV1.ModelAssetServiceClient;

  constructor(
    @Inject(DEPLOYMENT_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.assets = this.client.getService<deploymentV1.ModelAssetServiceClient>(deploymentV1.MODEL_ASSET_SERVICE_NAME);
  }

  @Post()
  @HttpCode(201)
  @ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
  @ApiOperation({
    summary:
      'Create a model asset from a custom foundation model, a completed training, a bucket path or an AutoAI RAG pattern (editor role)',
  })
  async create(@Query('version') version: string | undefined, @Body() body: CreateModelAssetRequest, @CurrentPrincipal() p: Principal) {
    requireVersion(version);
    const c = await resourceContainer(this.access, body, p, 'editor');
    const res = await unary(
      this.assets.createModelAsset({
        ...c,
        name: body.name,
        description: body.description ?? '',
        tags: body.tags ?? [],
        type: body.type,
        softwareSpecName: body.software_spec?.name ?? '',
        foundationModelId: body.foundation_model?.model_id ?? '',
        trainingId: trainingIdOf(body),
        contentLocationJson: body.content_location ? JSON.stringify(body.content_location) : '',
        customJson: body.custom ? JSON.stringify(body.custom) : '',
        createdBy: p.userId,
        // Only auto_update_model asks for one asset per training; a caller may create several from one training.
        oncePerTraining: false,
      }),
    );
    return modelAssetView(res.model as deploymentV1.ModelAsset);
  }

  @Get()
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'tag.value', required: false })
  @ApiQuery({ name: 'search', required: false, description: 'Part of the name (case-insensitive).' })
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'total_count', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'List the model assets of a project or space' })
  async list(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('tag.value') tagValue: string | undefined,
    @Query('search') search: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('total_count') totalCount: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    const v = requireVersion(version);
    const countAsked = queryFlag(totalCount, 'total_count');
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.assets.listModelAssets({ ...c, tagValue: tagValue ?? '', search: search ?? '', ...page }));
    const query = { version: v, project_id: projectId, space_id: spaceId, 'tag.value': tagValue, search, total_count: totalCount };
    return {
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/ml/v4/models`, query, { limit: page.limit, nextStart: res.nextStart }),
      ...(countAsked ? { total_count: res.totalCount } : {}),
      resources: res.models.map(modelAssetView),
    };
  }

  @Get(':model_id')
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'rev', required: false, description: 'Accepted for the SDK; assets have one revision.' })
  @ApiOperation({ summary: 'Get a model asset' })
  async get(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('model_id') id: string,
    @CurrentPrincipal() p: Principal,
  ) {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.assets.getModelAsset({ ...c, id }));
    return modelAssetView(res.model as deploymentV1.ModelAsset);
  }

  @Delete(':model_id')
  @HttpCode(204)
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Delete a model asset (editor role); deployments of it must be deleted first' })
  async delete(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('model_id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.assets.deleteModelAsset({ ...c, id }));
  }
}
