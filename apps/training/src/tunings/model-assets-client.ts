import type { ClientGrpc } from '@nestjs/microservices';
import { unary } from '@platform/common';
import { deploymentV1 } from '@platform/contracts';
import type { ModelJobEntity } from '../model-job.entity';

export const DEPLOYMENT_CLIENT = 'DEPLOYMENT_CLIENT';
export const MODEL_ASSETS = 'MODEL_ASSETS';

/** The /ml/v4/models asset type of a tuning's result. */
export const modelAssetType = (job: Pick<ModelJobEntity, 'kind'>) => (job.kind === 'prompt_tuning' ? 'prompt_tune_1.0' : 'fine_tune_1.0');
export const TUNED_SOFTWARE_SPEC = 'watsonx-textgen-fm-1.0';

/** What auto_update_model needs of the deployment service: the model asset of a tuning's result, made once. */
export interface ModelAssets {
  /** The asset's id; a second call for the same training returns the first asset (once_per_training). */
  createForTuning(job: ModelJobEntity): Promise<string>;
}

/**
 * The deployment service's CreateModelAsset. It accepts a tuning in state `storing` whose result_prefix is set as the
 * asset's source, so the training completes only once its asset exists.
 */
export class GrpcModelAssets implements ModelAssets {
  private readonly assets: deploymentV1.ModelAssetServiceClient;

  constructor(client: ClientGrpc) {
    this.assets = client.getService<deploymentV1.ModelAssetServiceClient>(deploymentV1.MODEL_ASSET_SERVICE_NAME);
  }

  async createForTuning(job: ModelJobEntity): Promise<string> {
    const { model } = await unary(
      this.assets.createModelAsset({
        projectId: job.projectId ?? '',
        spaceId: job.spaceId ?? '',
        name: job.name,
        description: job.description,
        tags: job.tags,
        type: modelAssetType(job),
        softwareSpecName: TUNED_SOFTWARE_SPEC,
        foundationModelId: '',
        trainingId: job.id,
        contentLocationJson: '',
        customJson: '',
        createdBy: job.createdBy,
        oncePerTraining: true,
      }),
    );
    if (!model?.id) throw new Error('CreateModelAsset answered without a model');
    return model.id;
  }
}
