import { PlatformError } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { readContentLocation, type ContentLocation } from './content-location';
import type { ModelAssetType } from './model-asset.entity';

export const MODEL_ASSET_TYPES: readonly ModelAssetType[] = [
  'custom_foundation_model_1.0',
  'fine_tune_1.0',
  'prompt_tune_1.0',
  'autoai_rag_pattern',
];
/** The seed: "The software spec name must be watsonx-cfm-caikit-1.0" for a custom foundation model. */
export const CUSTOM_FOUNDATION_MODEL_SOFTWARE_SPEC = 'watsonx-cfm-caikit-1.0';

const MAX_NAME_CHARS = 250;
const MAX_DESCRIPTION_CHARS = 10_000;
const MAX_TAGS = 64;
const MAX_TAG_CHARS = 255;
const MAX_PATTERN_NAME_CHARS = 128;
/** Where an autoai_rag_pattern asset names its pattern (the SDK's createModel sends `custom` as it is). */
export const PATTERN_NAME_FIELD = 'custom.pattern_name';

/** Where a model asset's weights come from: exactly one per asset. */
export type AssetSource =
  | { kind: 'model_store'; modelId: string }
  | { kind: 'content_location'; location: ContentLocation }
  | { kind: 'training'; trainingId: string }
  | { kind: 'rag_pattern'; experimentId: string; patternName: string };

/** A create request whose fields are well formed; the source is still to be found (model store, bucket, training). */
export interface NewModelAsset {
  name: string;
  description: string;
  tags: string[];
  type: ModelAssetType;
  softwareSpecName: string;
  source: AssetSource;
  custom: Record<string, unknown> | null;
}

const invalid = (message: string, field: string) => PlatformError.invalid(message, field);

/** The REST names of the three sources, in the order a request's extra one is reported. */
const SOURCE_FIELDS = ['foundation_model.model_id', 'training_id', 'content_location'] as const;

/**
 * The field rules of `POST /ml/v4/models` here: a name, one of the types, and exactly one source the type allows. A
 * custom foundation model names a model of the model store, a bucket directory or a training's result; fine tuned and
 * prompt tuned models come from their training only; an AutoAI RAG pattern names its experiment (`training_id`) and
 * the pattern (`custom.pattern_name`).
 */
export function readCreateRequest(req: deploymentV1.CreateModelAssetRequest, platformBucket: string): NewModelAsset {
  if (req.name.trim().length === 0 || req.name.length > MAX_NAME_CHARS)
    throw invalid(`name must be 1-${MAX_NAME_CHARS} characters and not blank.`, 'name');
  if (req.description.length > MAX_DESCRIPTION_CHARS)
    throw invalid(`description must be at most ${MAX_DESCRIPTION_CHARS} characters.`, 'description');
  if (req.tags.length > MAX_TAGS || req.tags.some((t) => t.length === 0 || t.length > MAX_TAG_CHARS))
    throw invalid(`tags must be at most ${MAX_TAGS} tags of 1-${MAX_TAG_CHARS} characters.`, 'tags');
  const type = req.type as ModelAssetType;
  if (!MODEL_ASSET_TYPES.includes(type)) throw invalid(`type must be one of ${MODEL_ASSET_TYPES.join(', ')}.`, 'type');

  const given = {
    'foundation_model.model_id': req.foundationModelId !== '',
    training_id: req.trainingId !== '',
    content_location: req.contentLocationJson !== '',
  };
  const present = SOURCE_FIELDS.filter((f) => given[f]);
  if (type !== 'custom_foundation_model_1.0') {
    const from =
      type === 'autoai_rag_pattern'
        ? 'which names its AutoAI RAG experiment by training_id'
        : 'whose weights come from its training (training_id)';
    const other = present.find((f) => f !== 'training_id');
    if (other) throw invalid(`${other} is not allowed for a ${type} model, ${from}.`, other);
    if (!given.training_id) throw invalid(`training_id (training.id) is required for a ${type} model, ${from}.`, 'training_id');
  }
  if (present.length === 0) throw invalid(`A ${type} model needs one of ${SOURCE_FIELDS.join(', ')}.`, 'foundation_model.model_id');
  if (present.length > 1) throw invalid(`Give exactly one of ${SOURCE_FIELDS.join(', ')}; ${present[1]} is one too many.`, present[1]);
  const custom = readCustom(req.customJson);

  let softwareSpecName = req.softwareSpecName;
  if (type === 'custom_foundation_model_1.0') {
    if (softwareSpecName === '') softwareSpecName = CUSTOM_FOUNDATION_MODEL_SOFTWARE_SPEC;
    else if (softwareSpecName !== CUSTOM_FOUNDATION_MODEL_SOFTWARE_SPEC)
      throw invalid(
        `software_spec.name must be ${CUSTOM_FOUNDATION_MODEL_SOFTWARE_SPEC} for a custom foundation model.`,
        'software_spec.name',
      );
  }

  const source: AssetSource =
    type === 'autoai_rag_pattern'
      ? { kind: 'rag_pattern', experimentId: req.trainingId, patternName: patternNameOf(custom) }
      : given['foundation_model.model_id']
        ? { kind: 'model_store', modelId: req.foundationModelId }
        : given.training_id
          ? { kind: 'training', trainingId: req.trainingId }
          : { kind: 'content_location', location: readContentLocation(req.contentLocationJson, platformBucket) };
  return { name: req.name, description: req.description, tags: [...req.tags], type, softwareSpecName, source, custom };
}

/** The pattern an autoai_rag_pattern asset names: its `name` in the experiment's results (`Pattern1` …). */
function patternNameOf(custom: Record<string, unknown> | null): string {
  const name = custom?.pattern_name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_PATTERN_NAME_CHARS)
    throw invalid(
      `${PATTERN_NAME_FIELD} is required for an autoai_rag_pattern model: the name (1-${MAX_PATTERN_NAME_CHARS} characters) of a pattern in the experiment's results, e.g. "Pattern1".`,
      PATTERN_NAME_FIELD,
    );
  return name;
}

function readCustom(raw: string): Record<string, unknown> | null {
  if (raw === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid('custom must be a JSON object.', 'custom');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('custom must be a JSON object.', 'custom');
  return parsed as Record<string, unknown>;
}
