import { PlatformError } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { assetUseCase, checkCreate } from './create-rules';
import { parseTypeFilter } from './deployment-list';
import { desiredReplicas } from './deployment-fields';
import { checkObjectPrefix } from './temporary-deployments.service';

const projectId = '00000000-0000-4000-8000-00000000000a';
const request = (over: Partial<deploymentV1.CreateDeploymentRequest>): deploymentV1.CreateDeploymentRequest => ({
  projectId,
  spaceId: '',
  name: 'd',
  description: '',
  tags: [],
  customJson: '',
  online: true,
  onlineParametersJson: '',
  createdBy: 'u',
  ...over,
});

function field(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlatformError) return err.target?.name;
    throw err;
  }
  throw new Error('expected a PlatformError');
}

describe('checkCreate', () => {
  it('tells the use cases apart from the fields given', () => {
    expect(checkCreate(request({ assetId: 'a' })).shape).toEqual({ kind: 'asset', assetId: 'a', promptTemplateId: null });
    expect(checkCreate(request({ promptTemplateId: 't', baseModelId: 'm' })).shape).toEqual({
      kind: 'prompt_template',
      promptTemplateId: 't',
      baseModelId: 'm',
    });
    expect(checkCreate(request({ promptTemplateId: 't', baseDeploymentId: 'b-1' })).shape).toEqual({
      kind: 'base_deployment',
      baseDeploymentId: 'b-1',
      promptTemplateId: 't',
    });
  });

  it('reads online.parameters: serving name and foundation model', () => {
    const c = checkCreate(
      request({ assetId: 'a', onlineParametersJson: '{"serving_name":"a_1","foundation_model":{"max_sequence_length":8}}' }),
    );
    expect(c.online).toMatchObject({ servingName: 'a_1', foundationModel: true });
    expect(
      field(() => checkCreate(request({ assetId: 'a', onlineParametersJson: '{"foundation_model":{"max_sequence_length":0}}' }))),
    ).toBe('online.parameters.foundation_model.max_sequence_length');
  });

  it('names the field a use case requires or forbids', () => {
    expect(field(() => checkCreate(request({ assetId: '' })))).toBe('asset.id');
    expect(field(() => checkCreate(request({ promptTemplateId: '', baseModelId: 'm' })))).toBe('prompt_template.id');
    expect(field(() => checkCreate(request({ promptTemplateId: 't', baseModelId: 'm', baseDeploymentId: 'b' })))).toBe('base_model_id');
    expect(field(() => checkCreate(request({ promptTemplateId: 't', baseModelId: 'm', online: false })))).toBe('online');
  });

  it('applies the asset type rules', () => {
    const hardware = checkCreate(request({ assetId: 'a', hardwareSpec: { id: 'WX-L', name: '', numNodes: 0 } })).hardware;
    expect(hardware).toMatchObject({ spec: { id: 'WX-L', num_nodes: 1 }, profile: { gpus: 4 } });
    const shape = { kind: 'asset' as const, assetId: 'a', promptTemplateId: null };
    expect(assetUseCase('custom_foundation_model_1.0', { hardware, shape })).toBe('custom_foundation_model');
    expect(assetUseCase('fine_tune_1.0', { hardware, shape })).toBe('fine_tune');
    expect(field(() => assetUseCase('prompt_tune_1.0', { hardware, shape }))).toBe('hardware_spec');
    expect(field(() => assetUseCase('fine_tune_1.0', { hardware: null, shape }))).toBe('hardware_spec');
    expect(assetUseCase('prompt_tune_1.0', { hardware: null, shape })).toBe('prompt_tune');
  });

  it('deploys an AutoAI RAG pattern without hardware or a prompt template of its own', () => {
    const shape = { kind: 'asset' as const, assetId: 'a', promptTemplateId: null };
    expect(assetUseCase('autoai_rag_pattern', { hardware: null, shape })).toBe('autoai_rag_pattern');
    const hardware = checkCreate(request({ assetId: 'a', hardwareSpec: { id: 'WX-S', name: '', numNodes: 0 } })).hardware;
    const refusal = (over: Partial<Parameters<typeof assetUseCase>[1]>) => {
      try {
        assetUseCase('autoai_rag_pattern', { hardware: null, shape, ...over });
      } catch (err) {
        return { field: (err as PlatformError).target?.name, message: (err as Error).message };
      }
      throw new Error('accepted');
    };
    expect(refusal({ hardware })).toEqual({
      field: 'hardware_spec',
      message: 'hardware_spec is not allowed in an AutoAI RAG pattern deployment.',
    });
    expect(refusal({ shape: { ...shape, promptTemplateId: 't' } }).field).toBe('prompt_template.id');
  });
});

describe('desiredReplicas', () => {
  it('takes hardware_request.num_nodes, else hardware_spec.num_nodes, else one', () => {
    expect(desiredReplicas(null, null)).toBe(1);
    expect(desiredReplicas({ id: 'WX-S', num_nodes: 3 }, null)).toBe(3);
    expect(desiredReplicas({ id: 'WX-S', num_nodes: 3 }, { num_nodes: 2 })).toBe(2);
  });
});

describe('the type filter', () => {
  it.each([
    ['prompt_tune', { type: 'prompt_tune', withTemplate: false }],
    ['prompt_template', { withTemplate: true }],
    ['custom_foundation_model and prompt_template', { type: 'custom_foundation_model', withTemplate: true }],
    ['prompt_template  and  fine_tune', { type: 'fine_tune', withTemplate: true }],
    ['autoai_rag_pattern', { type: 'autoai_rag_pattern', withTemplate: false }],
  ])('reads %s', (value, expected) => {
    expect(parseTypeFilter(value)).toEqual(expected);
  });

  it.each(['model', 'prompt_tune and fine_tune', 'prompt_tune or prompt_template', 'a and b and c'])('refuses %s naming type', (value) => {
    expect(field(() => parseTypeFilter(value))).toBe('type');
  });
});

describe('checkObjectPrefix', () => {
  it.each(['trained_models/x/checkpoints/p1-e1/', 'a/'])('accepts %s', (p) => expect(checkObjectPrefix(p)).toBe(p));
  it.each(['', '/', 'a', '/a/', 'a//b/', 'a/../b/', './a/', 'a\\b/', `${'a/'.repeat(600)}`])('refuses %s', (p) => {
    expect(field(() => checkObjectPrefix(p))).toBe('object_prefix');
  });
});
