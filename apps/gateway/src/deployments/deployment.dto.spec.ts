import 'reflect-metadata';
import { ParseArrayPipe, ValidationPipe, type Type } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../http/request-validation.error';
import { CreateDeploymentRequest, DeploymentPatchOperation } from './deployment.dto';
import { CreateModelAssetRequest } from './model-asset.dto';

/** The gateway's global pipe (create-gateway.ts). */
const pipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
});
const validate = (dto: Type<unknown>, body: unknown) => pipe.transform(body, { type: 'body', metatype: dto });
/** The fields a refused body's issues name. */
async function refusedFields(dto: Type<unknown>, body: unknown): Promise<string[]> {
  const err: unknown = await validate(dto, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, JSON.stringify(body)).toBeInstanceOf(RequestValidationError);
  return [...new Set((err as RequestValidationError).issues.map((i) => i.field))];
}

const PROJECT = '12ac4cf1-252f-424b-b52d-5cdd9814987f';

/** The seed's create examples (POST /ml/v4/deployments), one per use case. */
const SEED_EXAMPLES = [
  { project_id: PROJECT, name: 'text_classification', asset: { id: '4cedab6d-e8e4-4214-b81a-2ddb122db2ab' }, online: {} },
  {
    project_id: PROJECT,
    name: 'text_classification',
    base_model_id: 'google/flan-ul2',
    prompt_template: { id: '4cedab6d-e8e4-4214-b81a-2ddb122db2ab' },
    online: {},
  },
  {
    project_id: PROJECT,
    name: 'my_tuned_flan',
    asset: { id: '366c31e9-1a6b-417a-8e25-06178a1514a1' },
    online: { parameters: { serving_name: 'myflan', foundation_model: { max_batch_weight: 10000, max_sequence_length: 8192 } } },
    hardware_spec: { id: 'WX-S', num_nodes: 1 },
  },
  {
    project_id: PROJECT,
    name: 'my_tuned_flan_template',
    base_deployment_id: 'a77190a2-f52d-4f2a-be3d-7867b5f46edc',
    prompt_template: { id: '4cedab6d-e8e4-4214-b81a-2ddb122db2ab' },
    online: { parameters: { serving_name: 'myflan_template' } },
  },
  {
    space_id: '8ca6eec6-ce39-4285-877b-97a9720cdd03',
    name: 'my_granite_13b_chat_v2',
    asset: { id: '38d30589-286c-4b9f-82d5-5006d5fa3bb4' },
    online: { parameters: { serving_name: 'granite_13b_chat_v2' } },
  },
];

describe('CreateDeploymentRequest', () => {
  it("accepts the seed's examples as they are", async () => {
    for (const body of SEED_EXAMPLES) expect(await validate(CreateDeploymentRequest, body)).toEqual(body);
  });

  it('drops unknown fields and keeps online.parameters as given (it takes any model server setting)', async () => {
    const body = { ...SEED_EXAMPLES[2], deployment_type: 'batch', online: { parameters: { serving_name: 's', anything: [1] }, extra: 1 } };
    const out = (await validate(CreateDeploymentRequest, body)) as CreateDeploymentRequest;
    expect(out).not.toHaveProperty('deployment_type');
    expect(out.online).toEqual({ parameters: { serving_name: 's', anything: [1] } });
  });

  it("refuses what breaks the seed's limits, naming each field", async () => {
    const base = SEED_EXAMPLES[2];
    const cases: [unknown, string][] = [
      [{ ...base, name: '' }, 'name'],
      [{ ...base, name: 'n'.repeat(251) }, 'name'],
      [{ ...base, description: 'd'.repeat(1001) }, 'description'],
      [{ ...base, tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, 'tags'],
      [{ ...base, tags: 't1' }, 'tags'],
      [{ ...base, online: undefined }, 'online'],
      [{ ...base, online: 'yes' }, 'online'],
      [{ ...base, online: { parameters: { serving_name: 'x'.repeat(20_000) } } }, 'online.parameters'],
      [{ ...base, online: { parameters: [] } }, 'online.parameters'],
      [{ ...base, asset: {} }, 'asset.id'],
      [{ ...base, asset: 'id' }, 'asset'],
      [{ ...base, hardware_spec: { id: 'WX-S', num_nodes: 9 } }, 'hardware_spec.num_nodes'],
      [{ ...base, hardware_spec: { id: 'WX-S', num_nodes: 1.5 } }, 'hardware_spec.num_nodes'],
      [{ ...base, hardware_request: { size: 'gpu_xl' } }, 'hardware_request.size'],
      [{ ...base, base_deployment_id: 'Not-An-Id' }, 'base_deployment_id'],
      [{ ...base, custom: { deep: { a: { b: { c: { d: { e: { f: 1 } } } } } } } }, 'custom'],
      [{ ...base, project_id: 7 }, 'project_id'],
    ];
    for (const [body, field] of cases) expect(await refusedFields(CreateDeploymentRequest, body), JSON.stringify(body)).toEqual([field]);
  });
});

describe('DeploymentPatchOperation', () => {
  const patch = new ParseArrayPipe({ items: DeploymentPatchOperation });
  const parse = (ops: unknown) => patch.transform(ops, { type: 'body', metatype: Array });

  it("takes the seed's patch paths and what lies under them", async () => {
    const ops = [
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'add', path: '/tags', value: ['t'] },
      { op: 'replace', path: '/online/parameters', value: { serving_name: 'new_name' } },
      { op: 'replace', path: '/online/parameters/serving_name', value: 'new_name' },
      { op: 'replace', path: '/asset', value: { id: '366c31e9-1a6b-417a-8e25-06178a1514a1' } },
      { op: 'replace', path: '/hardware_spec/num_nodes', value: 2 },
      { op: 'remove', path: '/description' },
    ];
    expect(await parse(ops)).toEqual(ops);
  });

  it('refuses other operations and paths, and oversized values', async () => {
    for (const op of [
      { op: 'move', path: '/name', from: '/description' },
      { op: 'replace', path: '/status/state', value: 'ready' },
      { op: 'replace', path: 'name', value: 'x' },
      { op: 'replace', path: '/name/../../etc', value: 'x' },
      { op: 'replace', path: '/custom', value: { big: 'x'.repeat(20_000) } },
    ])
      await expect(parse([op]), JSON.stringify(op)).rejects.toBeTruthy();
  });
});

describe('CreateModelAssetRequest', () => {
  it("accepts the seed's custom foundation model asset and a training's", async () => {
    const custom = {
      name: 'replace_with_a_meaningful_name',
      space_id: '8ca6eec6-ce39-4285-877b-97a9720cdd03',
      foundation_model: { model_id: 'my_flan_t5_xl' },
      type: 'custom_foundation_model_1.0',
      software_spec: { name: 'watsonx-cfm-caikit-1.0' },
    };
    expect(await validate(CreateModelAssetRequest, custom)).toEqual(custom);
    const trained = { name: 'ft', project_id: PROJECT, type: 'fine_tune_1.0', training: { id: '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e' } };
    expect(await validate(CreateModelAssetRequest, trained)).toEqual(trained);
    const inBucket = {
      name: 'b',
      project_id: PROJECT,
      type: 'custom_foundation_model_1.0',
      content_location: { type: 'container', location: { path: 'models/m/' } },
    };
    expect(await validate(CreateModelAssetRequest, inBucket)).toEqual(inBucket);
  });

  it('refuses unknown types and malformed references, naming the field', async () => {
    const base = { name: 'm', project_id: PROJECT, type: 'fine_tune_1.0' };
    const cases: [unknown, string][] = [
      [{ ...base, type: 'wml-hybrid_0.1' }, 'type'],
      [{ ...base, foundation_model: {} }, 'foundation_model.model_id'],
      [{ ...base, training: { id: '' } }, 'training.id'],
      [{ ...base, content_location: { location: { path: 'p/' } } }, 'content_location.type'],
      [{ ...base, name: 'n'.repeat(251) }, 'name'],
    ];
    for (const [body, field] of cases) expect(await refusedFields(CreateModelAssetRequest, body), JSON.stringify(body)).toEqual([field]);
  });
});
