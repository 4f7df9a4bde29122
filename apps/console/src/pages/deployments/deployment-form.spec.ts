import { describe, expect, it } from 'vitest';
import { createBody, EMPTY_FORM, formProblems } from './deployment-form';

describe('the deployment form', () => {
  it('asks a prompt template deployment for its template and model, and sends no hardware', () => {
    expect(Object.keys(formProblems(EMPTY_FORM)).sort()).toEqual(['base_model_id', 'name', 'prompt_template.id']);
    const form = { ...EMPTY_FORM, name: 'greeter', servingName: 'greet_1', promptTemplateId: 't1', baseModelId: 'platform/starter-llama' };
    expect(formProblems(form)).toEqual({});
    expect(createBody(form, 'p')).toEqual({
      name: 'greeter',
      project_id: 'p',
      online: { parameters: { serving_name: 'greet_1' } },
      prompt_template: { id: 't1' },
      base_model_id: 'platform/starter-llama',
    });
  });

  it('asks an asset deployment for its asset and 1 to 8 replicas of a hardware spec', () => {
    const form = { ...EMPTY_FORM, source: 'asset' as const, name: 'tiny', replicas: '9' };
    expect(Object.keys(formProblems(form)).sort()).toEqual(['asset.id', 'hardware_spec.num_nodes']);
    expect(createBody({ ...form, assetId: 'a1', replicas: '2' }, 'p')).toEqual({
      name: 'tiny',
      project_id: 'p',
      online: { parameters: {} },
      asset: { id: 'a1' },
      hardware_spec: { id: 'PLATFORM-CPU', num_nodes: 2 },
    });
  });

  it('refuses a serving name the deployment service would refuse', () => {
    for (const bad of ['Has-Caps', 'a'.repeat(37), 'dash-ed'])
      expect(formProblems({ ...EMPTY_FORM, servingName: bad })['online.parameters.serving_name']).toBeDefined();
    expect(formProblems({ ...EMPTY_FORM, servingName: 'ok_1' })['online.parameters.serving_name']).toBeUndefined();
  });
});
