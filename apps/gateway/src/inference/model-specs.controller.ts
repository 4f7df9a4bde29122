import { Controller, Get, Inject, Param, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, WATSONX_PAGE, arrayPage, pageFields, pageRequest, unary } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from './api-version';
import { INFERENCE_CLIENT } from './inference-client';
import { TASKS, applyFilters, modelSpec, type ModelSpec } from './model-catalog';

/** The foundation model catalog: the models the inference service's pools serve. */
@ApiTags('Foundation models')
@ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
@Controller('ml/v1')
export class ModelSpecsController implements OnModuleInit {
  private inference!: inferenceV1.InferenceServiceClient;

  constructor(
    @Inject(INFERENCE_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
  ) {}

  onModuleInit(): void {
    this.inference = this.client.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME);
  }

  private async specs(): Promise<ModelSpec[]> {
    const res = await unary(this.inference.listModels({}));
    return res.models.map(modelSpec);
  }

  @Get('foundation_model_specs')
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'filters', required: false, example: 'function_text_generation' })
  @ApiQuery({ name: 'tech_preview', required: false })
  @ApiOperation({ summary: 'List the available foundation models' })
  async list(
    @Query('version') version: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('start') start: string | undefined,
    @Query('filters') filters: string | undefined,
  ) {
    const v = requireVersion(version);
    const page = arrayPage(applyFilters(await this.specs(), filters), (s) => s.model_id, pageRequest({ limit, start }, WATSONX_PAGE));
    return { ...pageFields(`${this.publicUrl}/ml/v1/foundation_model_specs`, { version: v, filters }, page), resources: page.items };
  }

  @Get('foundation_model_specs/:model_id')
  @ApiOperation({ summary: 'Get one foundation model' })
  async get(@Query('version') version: string | undefined, @Param('model_id') modelId: string) {
    requireVersion(version);
    const spec = (await this.specs()).find((s) => s.model_id === modelId);
    if (!spec) throw PlatformError.notFound(`Model '${modelId}' is not supported.`, 'model_not_supported');
    return spec;
  }

  @Get('foundation_model_tasks')
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'start', required: false })
  @ApiOperation({ summary: 'List the tasks the foundation models support' })
  async tasks(
    @Query('version') version: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('start') start: string | undefined,
  ) {
    const v = requireVersion(version);
    const offered = new Set((await this.specs()).flatMap((s) => s.tasks.map((t) => t.id)));
    // Tasks page in rank order, the order the catalog presents them in.
    const page = arrayPage(
      TASKS.filter((t) => offered.has(t.task_id)),
      (t) => String(t.rank).padStart(6, '0'),
      pageRequest({ limit, start }, WATSONX_PAGE),
    );
    return { ...pageFields(`${this.publicUrl}/ml/v1/foundation_model_tasks`, { version: v }, page), resources: page.items };
  }
}
