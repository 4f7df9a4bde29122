import type { deploymentV1 } from '@platform/contracts';
import type { StoredModel } from './model-store';

type Parameter = deploymentV1.CustomFoundationModelParameter;

/**
 * The deployment parameters of custom foundation models (`online.parameters.foundation_model`), as the seed's
 * `/ml/v4/custom_foundation_models` lists them: common ones for every model, and each model's own, whose sequence
 * length comes from its config.json.
 */
export const COMMON_PARAMETERS: readonly Parameter[] = [
  {
    name: 'max_batch_weight',
    displayName: 'Maximum batch weight',
    description: 'The maximum batch weight that is allowed for all models.',
    type: 'number',
    default: 1000,
    min: 0,
    max: 10000,
  },
  {
    name: 'max_sequence_length',
    displayName: 'Maximum sequence length',
    description: 'The maximum number of tokens of a request, input and output together, for models that name no context length.',
    type: 'number',
    default: 2048,
    min: 1,
    max: 131072,
  },
];

function modelParameters(m: StoredModel): Parameter[] {
  const context = m.maxSequenceLength || 2048;
  return [
    {
      name: 'max_batch_weight',
      displayName: 'Maximum batch weight',
      description: 'The maximum batch weight that is allowed for this model.',
      type: 'number',
      default: 10000,
      min: 0,
      max: 100000,
    },
    {
      name: 'max_sequence_length',
      displayName: 'Maximum sequence length',
      description: "The maximum number of tokens of a request, input and output together (the model's context length).",
      type: 'number',
      default: context,
      min: 1,
      max: context,
    },
  ];
}

/** One model of the store as the API lists it. */
export function toCustomFoundationModel(m: StoredModel): deploymentV1.CustomFoundationModel {
  const what = [m.architecture || 'A model', m.parameterCount ? `with ${m.parameterCount} parameters` : ''].filter(Boolean).join(' ');
  return {
    modelId: m.modelId,
    description: m.problem ? `${what} of the model store; ${m.problem}.` : `${what} of the model store.`,
    tags: m.modelType ? [m.modelType] : [],
    architecture: m.architecture,
    modelType: m.modelType,
    maxSequenceLength: m.maxSequenceLength,
    parameterCount: m.parameterCount,
    parameters: modelParameters(m),
  };
}
