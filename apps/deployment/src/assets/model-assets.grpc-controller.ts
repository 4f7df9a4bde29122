import { Controller } from '@nestjs/common';
import { pageInfo } from '@platform/common';
import { deploymentV1 } from '@platform/contracts';
import { COMMON_PARAMETERS, toCustomFoundationModel } from './custom-foundation-models';
import { toModelAssetMessage } from './model-asset.message';
import { ModelAssetsService } from './model-assets.service';

/** `deployment.v1.ModelAssetService`: `/ml/v4/models` and `/ml/v4/custom_foundation_models` behind the gateway. */
@Controller()
@deploymentV1.ModelAssetServiceControllerMethods()
export class ModelAssetsGrpcController implements deploymentV1.ModelAssetServiceController {
  constructor(private readonly assets: ModelAssetsService) {}

  async createModelAsset(req: deploymentV1.CreateModelAssetRequest): Promise<deploymentV1.CreateModelAssetResponse> {
    return { model: toModelAssetMessage(await this.assets.create(req)) };
  }

  async getModelAsset(req: deploymentV1.GetModelAssetRequest): Promise<deploymentV1.GetModelAssetResponse> {
    return { model: toModelAssetMessage(await this.assets.get(req)) };
  }

  async listModelAssets(req: deploymentV1.ListModelAssetsRequest): Promise<deploymentV1.ListModelAssetsResponse> {
    const page = await this.assets.list(req);
    const { nextStart, totalCount } = pageInfo(page);
    return { models: page.items.map(toModelAssetMessage), nextStart, totalCount };
  }

  async deleteModelAsset(req: deploymentV1.DeleteModelAssetRequest): Promise<deploymentV1.DeleteModelAssetResponse> {
    await this.assets.delete(req);
    return {};
  }

  async listCustomFoundationModels(
    req: deploymentV1.ListCustomFoundationModelsRequest,
  ): Promise<deploymentV1.ListCustomFoundationModelsResponse> {
    const page = await this.assets.listCustomFoundationModels(req);
    const { nextStart, totalCount } = pageInfo(page);
    return { models: page.items.map(toCustomFoundationModel), nextStart, totalCount, parameters: [...COMMON_PARAMETERS] };
  }
}
