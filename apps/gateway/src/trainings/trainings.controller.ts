import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { TrainingJson, TrainingListJson } from '@platform/api-types';
import { WATSONX_PAGE, pageLinks, pageRequest, unary } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { IN_CONTAINER_VERSIONED, resourceContainer } from '../access/resource-container';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from '../inference/api-version';
import { TRAINING_CLIENT } from '../models/models.controller';
import { CreateTrainingRequest, promptTuningSettings } from './training.dto';
import { trainingView } from './training-view';
import { stateFilterOf } from './tuning-query';
import { queryFlag } from '../http/query-flag';

/** The kinds of job this surface shows: a fine tuning or post-training job is not a training here. */
const KINDS = ['prompt_tuning'];

/**
 * watsonx.ai trainings (seed 001 `/ml/v4/trainings`; the SDK's createTraining, listTrainings, getTraining,
 * deleteTraining): prompt tunings of `{input, output}` records in the project's or space's storage, run by the training
 * service as tuning jobs of kind prompt_tuning. Reads need the viewer role, changes the editor role.
 */
@ApiTags('Trainings')
@Controller('ml/v4/trainings')
export class TrainingsController implements OnModuleInit {
  private training!: trainingV1.TrainingServiceClient;

  constructor(
    @Inject(TRAINING_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.training = this.client.getService<trainingV1.TrainingServiceClient>(trainingV1.TRAINING_SERVICE_NAME);
  }

  @Post()
  @HttpCode(201)
  @ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
  @ApiOperation({ summary: 'Start a prompt tuning of records in the project or space storage (editor role)' })
  async create(
    @Query('version') version: string | undefined,
    @Body() body: CreateTrainingRequest,
    @CurrentPrincipal() p: Principal,
  ): Promise<TrainingJson> {
    requireVersion(version);
    const c = await resourceContainer(this.access, body, p, 'editor');
    const res = await unary(
      this.training.createTuning({
        kind: 'prompt_tuning',
        ...c,
        name: body.name,
        description: body.description ?? '',
        tags: body.tags ?? [],
        createdBy: p.userId,
        baseModel: body.prompt_tuning.base_model?.model_id ?? '',
        settings: promptTuningSettings(body.prompt_tuning),
        trainingDataReferencesJson: JSON.stringify(body.training_data_references),
        testDataReferencesJson: '',
        resultsReferenceJson: JSON.stringify(body.results_reference),
        customJson: body.custom ? JSON.stringify(body.custom) : '',
        autoUpdateModel: body.auto_update_model ?? false,
        jobUuid: '',
        datasetId: '',
        validationDatasetId: '',
        startModelPrefix: '',
      }),
    );
    return trainingView(res.modelJob as trainingV1.ModelJob);
  }

  @Get()
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'total_count', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'tag.value', required: false })
  @ApiQuery({ name: 'state', required: false, enum: ['queued', 'pending', 'running', 'storing', 'completed', 'failed', 'canceled'] })
  @ApiOperation({ summary: 'List the trainings of a project or space, newest first, in pages' })
  async list(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('total_count') totalCount: string | undefined,
    @Query('tag.value') tagValue: string | undefined,
    @Query('state') state: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<TrainingListJson> {
    const v = requireVersion(version);
    const countAsked = queryFlag(totalCount, 'total_count');
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(
      this.training.listTunings({ ...c, kinds: KINDS, ...page, state: stateFilterOf(state), tagValue: tagValue ?? '' }),
    );
    const query = { version: v, project_id: projectId, space_id: spaceId, state, 'tag.value': tagValue, total_count: totalCount };
    return {
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/ml/v4/trainings`, query, { limit: page.limit, nextStart: res.nextStart }),
      ...(countAsked ? { total_count: Number(res.totalCount) } : {}),
      resources: res.modelJobs.map(trainingView),
    };
  }

  @Get(':training_id')
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Get a training: its status, per-epoch metrics and where its results are' })
  async get(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('training_id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<TrainingJson> {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.training.getTuning({ ...c, id, kinds: KINDS }));
    return trainingView(res.modelJob as trainingV1.ModelJob);
  }

  @Delete(':training_id')
  @HttpCode(204)
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'hard_delete', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'Cancel a training, or with hard_delete=true delete it (editor role); published results stay' })
  async delete(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('hard_delete') hardDelete: string | undefined,
    @Param('training_id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requireVersion(version);
    const hard = queryFlag(hardDelete, 'hard_delete');
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.training.deleteTuning({ ...c, id, kinds: KINDS, hardDelete: hard }));
  }
}
