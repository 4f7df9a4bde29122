import type { CustomFoundationModelJson, ModelAssetJson } from '@platform/api-types';
import type { deploymentV1 } from '@platform/contracts';
import { formatParameterCount } from '../inference/model-catalog';
import { jsonObjectOf, resourceMetadata } from './resource-metadata';

/** A model asset as the SDK's ModelResource: the training it came from under both names the SDK knows. */
export function modelAssetView(m: deploymentV1.ModelAsset): ModelAssetJson {
  const custom = jsonObjectOf(m.customJson);
  const foundationModel = m.foundationModelId || m.baseModelId;
  return {
    metadata: resourceMetadata(m),
    entity: {
      type: m.type,
      ...(m.softwareSpecName ? { software_spec: { name: m.softwareSpecName } } : {}),
      ...(foundationModel ? { foundation_model: { model_id: foundationModel } } : {}),
      ...(m.trainingId ? { training_id: m.trainingId, training: { id: m.trainingId } } : {}),
      ...(custom ? { custom } : {}),
      content_import_state: m.contentImportState || 'completed',
    },
  };
}

/** One tunable of a custom foundation model, in the seed's words. */
export function customFoundationModelParameterView(p: deploymentV1.CustomFoundationModelParameter) {
  return {
    name: p.name,
    display_name: p.displayName,
    description: p.description,
    type: p.type,
    default: p.default,
    min: p.min,
    max: p.max,
  };
}

/** A model of the model store: the seed's fields, then what its config.json and weights tell. */
export function customFoundationModelView(m: deploymentV1.CustomFoundationModel): CustomFoundationModelJson {
  const count = Number(m.parameterCount);
  return {
    model_id: m.modelId,
    ...(m.description ? { description: m.description } : {}),
    tags: m.tags,
    parameters: m.parameters.map(customFoundationModelParameterView),
    ...(m.architecture ? { architecture: m.architecture } : {}),
    ...(m.modelType ? { model_type: m.modelType } : {}),
    ...(m.maxSequenceLength ? { model_limits: { max_sequence_length: m.maxSequenceLength } } : {}),
    ...(count > 0 ? { number_params: formatParameterCount(count) } : {}),
  };
}
