import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  INSTRUCTLAB_NAME,
  PlatformError,
  WATSONX_PAGE,
  isInstructlabId,
  pageLinks,
  pageRequest,
  requireField,
  unary,
} from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import type { MemberRole } from '../identity/membership.entity';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from '../inference/api-version';
import { TRAINING_CLIENT } from '../models/models.controller';
import { toHyperparameters } from '../models/hyperparameters.dto';
import { CreateFineTuningRequest, type ObjectLocationDto } from './fine-tuning.dto';
import { fineTuningView } from './fine-tuning-view';
import { fineTuningSettings } from './fine-tuning-parameters.dto';
import { IN_CONTAINER_VERSIONED, resourceContainer } from '../access/resource-container';
import { stateFilterOf } from '../trainings/tuning-query';
import { queryFlag } from '../http/query-flag';

/** The kinds of job this surface shows: InstructLab jobs (type ilab) and fine tunings of records. */
const KINDS = ['instructlab', 'fine_tuning'];
const isInstructlab = (j: trainingV1.ModelJob) => j.kind === '' || j.kind === 'instructlab';

const DATA_PATH = /^\/?data\/([a-z0-9-]{36})(\/.*)?$/;

/** The SDG run an InstructLab fine tuning trains on: `location.path` `data/<id>`, `location.data_id`, or the reference id. */
export function dataIdOf(ref: ObjectLocationDto): string {
  const loc = ref.location;
  const path = typeof loc.path === 'string' ? DATA_PATH.exec(loc.path)?.[1] : undefined;
  const id = path ?? (typeof loc.data_id === 'string' ? loc.data_id : undefined) ?? ref.id;
  if (!id || !isInstructlabId(id)) {
    throw PlatformError.invalid(
      'training_data_references[0] must name a data generation run: location.path "data/<data_id>" or location.data_id.',
      'training_data_references',
    );
  }
  return id;
}

/**
 * watsonx.ai fine tunings (what `createFineTuning`, `listFineTunings`, `getFineTuning` and `deleteFineTuning` of the
 * official SDK call): type `ilab` maps onto the InstructLab training jobs of /v1/models (projects only); without a type,
 * a fine tuning (full or LoRA) of `{input, output}` records in the project's or space's storage, a tuning job of kind
 * fine_tuning. Lists and reads show both.
 */
@ApiTags('Fine tunings')
@Controller('ml/v1/fine_tunings')
export class FineTuningsController implements OnModuleInit {
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
  @ApiOperation({
    summary:
      'Create a fine tuning: of {input, output} records in the project or space storage, or (type ilab) InstructLab from a data generation run',
  })
  async create(@Query('version') version: string | undefined, @Body() body: CreateFineTuningRequest, @CurrentPrincipal() p: Principal) {
    requireVersion(version);
    if (body.type === 'ilab') return this.createInstructlab(body, p);
    if (body.type !== undefined)
      throw PlatformError.invalid('type must be ilab, or unset for a fine tuning of {input, output} records.', 'type');
    if (body.hyperparameters !== undefined)
      throw PlatformError.invalid('hyperparameters are the InstructLab settings (type ilab); use parameters.', 'hyperparameters');
    const c = await resourceContainer(this.access, body, p, 'editor');
    const res = await unary(
      this.training.createTuning({
        kind: 'fine_tuning',
        ...c,
        name: body.name,
        description: body.description ?? '',
        tags: body.tags ?? [],
        createdBy: p.userId,
        baseModel: body.parameters?.base_model.model_id ?? '',
        settings: fineTuningSettings(body.parameters),
        trainingDataReferencesJson: JSON.stringify(body.training_data_references),
        testDataReferencesJson: body.test_data_references ? JSON.stringify(body.test_data_references) : '',
        resultsReferenceJson: JSON.stringify(body.results_reference),
        customJson: body.custom ? JSON.stringify(body.custom) : '',
        autoUpdateModel: body.auto_update_model ?? false,
        jobUuid: '',
        datasetId: '',
        validationDatasetId: '',
        startModelPrefix: '',
      }),
    );
    return fineTuningView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
  }

  /** type ilab: an InstructLab multiphase job on a data generation run, in a project, as before. */
  private async createInstructlab(body: CreateFineTuningRequest, p: Principal) {
    requireField(INSTRUCTLAB_NAME, body.name, 'name');
    const projectId = await this.project(body.project_id, body.space_id, p, 'editor');
    for (const field of ['auto_update_model', 'parameters', 'test_data_references'] as const) {
      if (body[field] !== undefined) throw PlatformError.invalid(`${field} must not be set for an InstructLab fine tuning.`, field);
    }
    const res = await unary(
      this.training.createFineTuning({
        projectId,
        name: body.name,
        description: body.description ?? '',
        tags: body.tags ?? [],
        dataId: dataIdOf(body.training_data_references[0]),
        createdBy: p.userId,
        hyperparameters: toHyperparameters(body.hyperparameters),
      }),
    );
    return fineTuningView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
  }

  @Get()
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'total_count', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'tag.value', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'type', required: false })
  @ApiOperation({ summary: 'List the fine tunings of a project, newest first, in pages' })
  async list(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('total_count') totalCount: string | undefined,
    @Query('tag.value') tagValue: string | undefined,
    @Query('state') state: string | undefined,
    @Query('type') type: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    const v = requireVersion(version);
    const countAsked = queryFlag(totalCount, 'total_count');
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    // type ilab: the InstructLab jobs; another type: the fine tunings of records (which carry no type); unset: both.
    const kinds = type === undefined ? KINDS : type === 'ilab' ? ['instructlab'] : ['fine_tuning'];
    const res = await unary(this.training.listTunings({ ...c, kinds, ...page, state: stateFilterOf(state), tagValue: tagValue ?? '' }));
    const query = { version: v, project_id: projectId, space_id: spaceId, state, 'tag.value': tagValue, type, total_count: totalCount };
    return {
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/ml/v1/fine_tunings`, query, { limit: page.limit, nextStart: res.nextStart }),
      // The reference computes the count only when asked, to spare the query.
      ...(countAsked ? { total_count: Number(res.totalCount) } : {}),
      resources: res.modelJobs.map((j) => fineTuningView(j, this.publicUrl)),
    };
  }

  @Get(':id')
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Get a fine tuning' })
  async get(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ) {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.training.getTuning({ ...c, id, kinds: KINDS }));
    return fineTuningView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
  }

  @Delete(':id')
  @HttpCode(204)
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'hard_delete', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'Cancel a fine tuning, or with hard_delete=true delete it and its objects' })
  async delete(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('hard_delete') hardDelete: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requireVersion(version);
    const hard = queryFlag(hardDelete, 'hard_delete');
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    const found = (await unary(this.training.getTuning({ ...c, id, kinds: KINDS }))).modelJob as trainingV1.ModelJob;
    // InstructLab jobs keep their own delete (their objects and events are the /v1/models ones).
    if (isInstructlab(found)) await unary(this.training.deleteFineTuning({ projectId: c.projectId, id, hardDelete: hard }));
    else await unary(this.training.deleteTuning({ ...c, id, kinds: KINDS, hardDelete: hard }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Cancel a queued or running fine tuning' })
  async cancel(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ) {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    const found = (await unary(this.training.getTuning({ ...c, id, kinds: KINDS }))).modelJob as trainingV1.ModelJob;
    if (isInstructlab(found)) {
      const res = await unary(this.training.cancelFineTuning({ projectId: c.projectId, id }));
      return fineTuningView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
    }
    // A tuning is canceled by deleting it without hard_delete: the job stays, canceled.
    await unary(this.training.deleteTuning({ ...c, id, kinds: KINDS, hardDelete: false }));
    const res = await unary(this.training.getTuning({ ...c, id, kinds: KINDS }));
    return fineTuningView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
  }

  /** InstructLab training runs in projects; a space is refused with a clear 400. */
  private async project(projectId: string | undefined, spaceId: string | undefined, p: Principal, role: MemberRole): Promise<string> {
    if (!projectId) {
      if (spaceId)
        throw PlatformError.invalid('InstructLab fine tunings run in projects: give project_id instead of space_id.', 'space_id');
      throw PlatformError.invalid('project_id is required.', 'project_id');
    }
    await this.access.require('project', projectId, p, role);
    return projectId;
  }
}
