import type { deploymentV1 } from '@platform/contracts';
import type { ModelAssetEntity } from './model-asset.entity';

export function toModelAssetMessage(a: ModelAssetEntity): deploymentV1.ModelAsset {
  return {
    id: a.id,
    projectId: a.projectId ?? '',
    spaceId: a.spaceId ?? '',
    name: a.name,
    description: a.description,
    tags: a.tags,
    type: a.type,
    softwareSpecName: a.softwareSpecName,
    foundationModelId: a.foundationModelId ?? '',
    trainingId: a.trainingId ?? '',
    contentPrefix: a.contentPrefix,
    baseModelId: a.baseModelId,
    contentImportState: a.contentImportState,
    customJson: a.custom ? JSON.stringify(a.custom) : '',
    owner: a.createdBy,
    createdAt: a.createdAt,
    modifiedAt: a.modifiedAt,
    ragPatternName: a.ragPatternName ?? '',
  };
}
