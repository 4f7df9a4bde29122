import { Controller, Get, Inject, Param, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { traceMetadata, unary } from '../http/grpc-call';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from './api-version';
import { INFERENCE_CLIENT } from './inference-client';
import { TASKS, applyFilters, modelSpec, paginate, type ModelSpec } from './model-catalog';

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
    const res = await unary(this.inference.listModels({}, traceMetadata()));
    return res.models.map(modelSpec).sort((a, b) => a.model_id.localeCompare(b.model_id));
  }

  private href(path: string, version: string, extra: Record<string, string | undefined>) {
    return (start?: number) => {
      const q = new URLSearchParams({ version });
      for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, v);
      if (start !== undefined) q.set('start', String(start));
      return `${this.publicUrl}/ml/v1/${path}?${q.toString()}`;
    };
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
    const specs = applyFilters(await this.specs(), filters);
    return paginate(specs, this.href('foundation_model_specs', v, { limit, filters }), limit, start);
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
    return paginate(
      TASKS.filter((t) => offered.has(t.task_id)),
      this.href('foundation_model_tasks', v, { limit }),
      limit,
      start,
    );
  }
}
