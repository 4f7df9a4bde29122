import { Controller, Get, Inject, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { WATSONX_PAGE, pageLinks, pageRequest, unary } from '@platform/common';
import { deploymentV1 } from '@platform/contracts';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from '../inference/api-version';
import { DEPLOYMENT_CLIENT } from './deployment-client';
import { customFoundationModelParameterView, customFoundationModelView } from './model-asset-view';

/**
 * GET /ml/v4/custom_foundation_models (seed 001): the models of the platform's model store (`custom_models/<id>/` in
 * its bucket), with what each one's config.json says. The store is the platform's, so any signed-in user may read it;
 * deploying one takes a model asset in a project or space.
 */
@ApiTags('Deployments')
@Controller('ml/v4/custom_foundation_models')
export class CustomFoundationModelsController implements OnModuleInit {
  private assets!: deploymentV1.ModelAssetServiceClient;

  constructor(
    @Inject(DEPLOYMENT_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
  ) {}

  onModuleInit(): void {
    this.assets = this.client.getService<deploymentV1.ModelAssetServiceClient>(deploymentV1.MODEL_ASSET_SERVICE_NAME);
  }

  @Get()
  @ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 100' })
  @ApiOperation({ summary: 'List the custom foundation models of the model store' })
  async list(
    @Query('version') version: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
  ) {
    const v = requireVersion(version);
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const res = await unary(this.assets.listCustomFoundationModels(page));
    return {
      total_count: res.totalCount,
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/ml/v4/custom_foundation_models`, { version: v }, { limit: page.limit, nextStart: res.nextStart }),
      resources: res.models.map(customFoundationModelView),
      parameters: res.parameters.map(customFoundationModelParameterView),
    };
  }
}
