import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, applyDecorators, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, WATSONX_PAGE, isInstructlabId, pageLinks, pageRequest, unary } from '@platform/common';
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
 * watsonx.ai fine tunings of type `ilab` (what `createFineTuning`, `listFineTunings`, `getFineTuning` and
 * `deleteFineTuning` of the official SDK call), mapped onto the InstructLab training jobs of /v1/models.
 */
/** The query every fine-tuning route reads: the API version and the project (or space) it acts in. */
const FINE_TUNING_QUERY = applyDecorators(
  ApiQuery({ name: 'version', required: true, example: '2024-05-31' }),
  ApiQuery({ name: 'project_id', required: false }),
  ApiQuery({ name: 'space_id', required: false }),
);

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
  @ApiOperation({ summary: 'Create an InstructLab fine tuning (type ilab) from a data generation run' })
  async create(@Query('version') version: string | undefined, @Body() body: CreateFineTuningRequest, @CurrentPrincipal() p: Principal) {
    requireVersion(version);
    const projectId = await this.project(body.project_id, body.space_id, p, 'editor');
    if (body.type !== 'ilab') throw PlatformError.invalid('Only InstructLab fine tunings are supported here: set type to "ilab".', 'type');
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
  @FINE_TUNING_QUERY
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
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const project = await this.project(projectId, spaceId, p, 'viewer');
    // Only InstructLab fine tunings live here: a list of any other type is empty.
    const res =
      type !== undefined && type !== 'ilab'
        ? { modelJobs: [], nextStart: '', totalCount: 0, limit: page.limit }
        : await unary(this.training.listFineTunings({ projectId: project, ...page, state: state ?? '', tagValue: tagValue ?? '' }));
    const query = { version: v, project_id: project, state, 'tag.value': tagValue, type, total_count: totalCount };
    return {
      limit: res.limit,
      ...pageLinks(`${this.publicUrl}/ml/v1/fine_tunings`, query, res),
      // The reference computes the count only when asked, to spare the query.
      ...(totalCount === 'true' ? { total_count: res.totalCount } : {}),
      resources: res.modelJobs.map((j) => fineTuningView(j, this.publicUrl)),
    };
  }

  @Get(':id')
  @FINE_TUNING_QUERY
  @ApiOperation({ summary: 'Get a fine tuning' })
  async get(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ) {
    requireVersion(version);
    const project = await this.project(projectId, spaceId, p, 'viewer');
    const res = await unary(this.training.getFineTuning({ projectId: project, id }));
    return fineTuningView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
  }

  @Delete(':id')
  @HttpCode(204)
  @FINE_TUNING_QUERY
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
    if (hardDelete !== undefined && hardDelete !== 'true' && hardDelete !== 'false')
      throw PlatformError.invalid('hard_delete must be true or false.', 'hard_delete');
    const project = await this.project(projectId, spaceId, p, 'editor');
    await unary(this.training.deleteFineTuning({ projectId: project, id, hardDelete: hardDelete === 'true' }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @FINE_TUNING_QUERY
  @ApiOperation({ summary: 'Cancel a queued or running fine tuning' })
  async cancel(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ) {
    requireVersion(version);
    const project = await this.project(projectId, spaceId, p, 'editor');
    const res = await unary(this.training.cancelFineTuning({ projectId: project, id }));
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
