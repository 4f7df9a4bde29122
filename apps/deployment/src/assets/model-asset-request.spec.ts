import { PlatformError } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { readCreateRequest } from './model-asset-request';

const BUCKET = 'platform-bucket';

const request = (over: Partial<deploymentV1.CreateModelAssetRequest>): deploymentV1.CreateModelAssetRequest => ({
  projectId: '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e',
  spaceId: '',
  name: 'my model',
  description: '',
  tags: [],
  type: 'custom_foundation_model_1.0',
  softwareSpecName: '',
  foundationModelId: '',
  trainingId: '',
  contentLocationJson: '',
  customJson: '',
  createdBy: 'user',
  oncePerTraining: false,
  ...over,
});

/** The field a refusal names, or the message when it names none. */
function refusal(over: Partial<deploymentV1.CreateModelAssetRequest>): { field?: string; message: string } {
  try {
    readCreateRequest(request(over), BUCKET);
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return { field: (err as PlatformError).target?.name, message: (err as Error).message };
  }
  throw new Error('the request was accepted');
}

const location = (loc: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'connection_asset', location: loc, contents: [], ...extra });

describe('readCreateRequest', () => {
  it('reads a custom foundation model of the model store, with the seed software spec by default', () => {
    const input = readCreateRequest(request({ foundationModelId: 'ibm-granite/granite-3b', tags: ['a'], customJson: '{"k":1}' }), BUCKET);
    expect(input).toMatchObject({
      type: 'custom_foundation_model_1.0',
      softwareSpecName: 'watsonx-cfm-caikit-1.0',
      source: { kind: 'model_store', modelId: 'ibm-granite/granite-3b' },
      tags: ['a'],
      custom: { k: 1 },
    });
  });

  it('reads a content location in the platform bucket as a directory prefix', () => {
    for (const loc of [{ path: 'models/x' }, { path: 'models/x/' }, { bucket: BUCKET, path: 'models/x' }])
      expect(readCreateRequest(request({ contentLocationJson: location(loc) }), BUCKET).source).toEqual({
        kind: 'content_location',
        location: { prefix: 'models/x/', json: JSON.parse(location(loc)) },
      });
  });

  it('reads fine tuned and prompt tuned models from their training', () => {
    for (const type of ['fine_tune_1.0', 'prompt_tune_1.0', 'custom_foundation_model_1.0'])
      expect(readCreateRequest(request({ type, trainingId: 'abc' }), BUCKET).source).toEqual({ kind: 'training', trainingId: 'abc' });
  });

  it.each<[string, Partial<deploymentV1.CreateModelAssetRequest>, string]>([
    ['an empty name', { name: '', foundationModelId: 'm' }, 'name'],
    ['a blank name', { name: '   ', foundationModelId: 'm' }, 'name'],
    ['a name of 251 characters', { name: 'n'.repeat(251), foundationModelId: 'm' }, 'name'],
    ['an unknown type', { type: 'wml-hybrid_0.1', foundationModelId: 'm' }, 'type'],
    ['no type', { type: '', foundationModelId: 'm' }, 'type'],
    ['no source', {}, 'foundation_model.model_id'],
    ['two sources', { foundationModelId: 'm', trainingId: 't' }, 'training_id'],
    ['three sources', { foundationModelId: 'm', trainingId: 't', contentLocationJson: location({ path: 'p' }) }, 'training_id'],
    ['a model id and a location', { foundationModelId: 'm', contentLocationJson: location({ path: 'p' }) }, 'content_location'],
    ['a fine tune without a training', { type: 'fine_tune_1.0' }, 'training_id'],
    ['a fine tune from the model store', { type: 'fine_tune_1.0', foundationModelId: 'm', trainingId: 't' }, 'foundation_model.model_id'],
    ['a prompt tune from a location', { type: 'prompt_tune_1.0', contentLocationJson: location({ path: 'p' }) }, 'content_location'],
    ['another software spec', { foundationModelId: 'm', softwareSpecName: 'watsonx-textgen-fm-1.0' }, 'software_spec.name'],
    ['custom that is an array', { foundationModelId: 'm', customJson: '[1]' }, 'custom'],
    ['custom that is not JSON', { foundationModelId: 'm', customJson: '{' }, 'custom'],
    ['an empty tag', { foundationModelId: 'm', tags: [''] }, 'tags'],
    ['a location that is not JSON', { contentLocationJson: '{' }, 'content_location'],
    ['a location without location', { contentLocationJson: JSON.stringify({ type: 'connection_asset' }) }, 'content_location.location'],
    ['a location without a path', { contentLocationJson: location({ bucket: BUCKET }) }, 'content_location.location.path'],
    ['a location in another bucket', { contentLocationJson: location({ bucket: 'other', path: 'm' }) }, 'content_location.location.bucket'],
    [
      'a location through a connection',
      { contentLocationJson: location({ path: 'm' }, { connection: { id: 'c' } }) },
      'content_location.connection',
    ],
    ['a location climbing out', { contentLocationJson: location({ path: 'models/../secret' }) }, 'content_location.location.path'],
    ['an absolute location', { contentLocationJson: location({ path: '/models/x' }) }, 'content_location.location.path'],
    ['a location of odd characters', { contentLocationJson: location({ path: 'models/a b' }) }, 'content_location.location.path'],
    [
      'a location in a training result',
      { contentLocationJson: location({ path: 'trained_models/x/model' }) },
      'content_location.location.path',
    ],
    ['a location in a data run', { contentLocationJson: location({ path: 'data/x' }) }, 'content_location.location.path'],
  ])('refuses %s naming the field', (_what, over, field) => {
    expect(refusal(over).field).toBe(field);
  });

  it('says which sources a type allows', () => {
    expect(refusal({ type: 'fine_tune_1.0', foundationModelId: 'm' }).message).toMatch(/fine_tune_1.0 .*training_id/);
    expect(refusal({ type: 'wrong' }).message).toBe(
      'type must be one of custom_foundation_model_1.0, fine_tune_1.0, prompt_tune_1.0, autoai_rag_pattern.',
    );
  });
});

describe('readCreateRequest of an AutoAI RAG pattern', () => {
  const rag = (over: Partial<deploymentV1.CreateModelAssetRequest> = {}) => ({
    type: 'autoai_rag_pattern',
    trainingId: 'exp-1',
    customJson: JSON.stringify({ pattern_name: 'Pattern2', owner: 'me' }),
    ...over,
  });

  it('names the experiment by training_id and the pattern by custom.pattern_name, keeping custom as given', () => {
    const input = readCreateRequest(request(rag()), BUCKET);
    expect(input.source).toEqual({ kind: 'rag_pattern', experimentId: 'exp-1', patternName: 'Pattern2' });
    expect(input.custom).toEqual({ pattern_name: 'Pattern2', owner: 'me' });
    expect(input.softwareSpecName).toBe('');
  });

  it.each<[string, Partial<deploymentV1.CreateModelAssetRequest>, string]>([
    ['no experiment', { trainingId: '' }, 'training_id'],
    ['a model of the model store', { foundationModelId: 'm' }, 'foundation_model.model_id'],
    ['a content location', { contentLocationJson: location({ path: 'p' }) }, 'content_location'],
    ['no custom', { customJson: '' }, 'custom.pattern_name'],
    ['no pattern name', { customJson: '{"other":1}' }, 'custom.pattern_name'],
    ['a blank pattern name', { customJson: '{"pattern_name":"  "}' }, 'custom.pattern_name'],
    ['a pattern name that is a number', { customJson: '{"pattern_name":1}' }, 'custom.pattern_name'],
    ['a pattern name of 129 characters', { customJson: JSON.stringify({ pattern_name: 'p'.repeat(129) }) }, 'custom.pattern_name'],
  ])('refuses %s naming the field', (_what, over, field) => {
    expect(refusal(rag(over)).field).toBe(field);
  });

  it('says where the experiment and the pattern are named', () => {
    expect(refusal(rag({ trainingId: '' })).message).toBe(
      'training_id (training.id) is required for a autoai_rag_pattern model, which names its AutoAI RAG experiment by training_id.',
    );
    expect(refusal(rag({ customJson: '{}' })).message).toMatch(/^custom.pattern_name is required .*"Pattern1"/);
  });
});
