import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, unary } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import type { RequestHeaders } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { UsersService } from '../identity/users.service';
import { TRAINING_CLIENT } from '../models/models.controller';
import { CreateDatasetRequestDto, MAX_DATASET_ID_CHARS, checkColumns } from './datasets.dto';
import { datasetField, renameTargets } from './post-training-errors';
import { trainingProject } from './post-training-project';

/** The draft's Dataset of a stored definition; metadata is the caller's, as sent. */
export function datasetView(d: trainingV1.Dataset) {
  let metadata: Record<string, unknown> = {};
  if (d.metadataJson) metadata = JSON.parse(d.metadataJson) as Record<string, unknown>;
  return { columns: { ...d.columns }, content_url: d.contentUrl, metadata };
}

/** `dataset_id` of the get and delete routes: required, and no longer than an id can be. */
export function datasetIdOf(id: string | undefined): string {
  if (!id) throw PlatformError.invalid('dataset_id is required.', 'dataset_id');
  if (id.length > MAX_DATASET_ID_CHARS)
    throw PlatformError.invalid(`dataset_id must be at most ${MAX_DATASET_ID_CHARS} characters.`, 'dataset_id');
  return id;
}

/**
 * Llama Stack draft `/datasets/*`: dataset definitions of the project (X-Project-Id, else the caller's default one)
 * whose rows the training service copies into the object store at create (`datasets/<project>/<uuid>/rows.jsonl`), for
 * post-training and from SDG output. The draft gives create and delete no response body: create answers
 * `{uuid, row_count}`, delete an empty 200.
 */
@ApiTags('Llama Stack (draft)')
@ApiHeader({ name: 'X-Project-Id', required: false, description: 'project id; defaults to your default project' })
@Controller('datasets')
export class DatasetsController implements OnModuleInit {
  private training!: trainingV1.TrainingServiceClient;

  constructor(
    @Inject(TRAINING_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.training = this.client.getService<trainingV1.TrainingServiceClient>(trainingV1.TRAINING_SERVICE_NAME);
  }

  @Post('create')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a dataset: its rows (content_url) are read, checked against its columns and copied to the object store',
  })
  async create(@Body() body: CreateDatasetRequestDto, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const projectId = await this.project(headers, p, 'editor');
    const req: trainingV1.CreateDatasetRequest = {
      projectId,
      id: body.uuid,
      columns: checkColumns(body.dataset.columns, 'dataset.columns'),
      contentUrl: body.dataset.content_url,
      metadataJson: JSON.stringify(body.dataset.metadata ?? {}),
      createdBy: p.userId,
    };
    try {
      const { dataset } = await unary(this.training.createDataset(req));
      return { uuid: body.uuid, row_count: Number(dataset?.rowCount ?? 0) };
    } catch (err) {
      throw renameTargets(err, (f) => (f === 'id' ? 'uuid' : datasetField(f, 'dataset')));
    }
  }

  @Get('get')
  @ApiQuery({ name: 'dataset_id', required: true })
  @ApiOperation({ summary: 'Get a dataset definition' })
  async get(@Query('dataset_id') id: string | undefined, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const datasetId = datasetIdOf(id);
    const projectId = await this.project(headers, p, 'viewer');
    const { dataset } = await unary(this.training.getDataset({ projectId, id: datasetId }));
    if (!dataset) throw PlatformError.notFound(`Dataset ${datasetId} was not found.`, 'dataset_not_found');
    return datasetView(dataset);
  }

  @Delete('delete')
  @HttpCode(200)
  @ApiQuery({ name: 'dataset_id', required: true })
  @ApiOperation({ summary: 'Delete a dataset and its stored rows' })
  async delete(@Query('dataset_id') id: string | undefined, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const datasetId = datasetIdOf(id);
    const projectId = await this.project(headers, p, 'editor');
    await unary(this.training.deleteDataset({ projectId, id: datasetId }));
  }

  private project(headers: RequestHeaders, p: Principal, role: 'viewer' | 'editor'): Promise<string> {
    return trainingProject(headers, p, role, this.users, this.access);
  }
}
