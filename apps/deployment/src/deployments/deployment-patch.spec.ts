import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import type { DeploymentEntity } from './deployment.entity';
import { patchDeployment } from './deployment-patch';
import { applyOperation, parsePatch } from './json-patch';

function refusal(fn: () => unknown): PlatformError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlatformError) return err;
    throw err;
  }
  throw new Error('expected a PlatformError');
}

const assetRow = {
  id: 'd1',
  name: 'n',
  description: '',
  tags: ['a'],
  custom: null,
  assetId: '00000000-0000-4000-8000-000000000001',
  promptTemplateId: null,
  baseModelId: 'base',
  baseDeploymentId: null,
  onlineParameters: { serving_name: 'abc', foundation_model: { max_sequence_length: 100 } },
  hardwareSpec: { id: 'WX-S', num_nodes: 1 },
  hardwareRequest: null,
  deployedAssetType: 'custom_foundation_model',
  replicas: 1,
} as unknown as DeploymentEntity;

const patch = (row: DeploymentEntity, ops: unknown) => patchDeployment(row, JSON.stringify(ops));

describe('JSON Patch', () => {
  it('adds, replaces and removes object members and array positions (RFC 6902)', () => {
    const doc: Record<string, unknown> = { tags: ['a', 'b'], o: { x: 1 } };
    for (const o of parsePatch(
      JSON.stringify([
        { op: 'add', path: '/tags/1', value: 'z' },
        { op: 'add', path: '/tags/-', value: 'end' },
        { op: 'remove', path: '/tags/0' },
        { op: 'replace', path: '/o/x', value: { deep: true } },
        { op: 'add', path: '/o/a~1b', value: 2 },
        { op: 'replace', path: '/new', value: 3 },
      ]),
    ))
      applyOperation(doc, o);
    expect(doc).toEqual({ tags: ['z', 'b', 'end'], o: { x: { deep: true }, 'a/b': 2 }, new: 3 });
  });

  it.each([
    ['not JSON', '[', 'json_patch'],
    ['an object', '{}', 'json_patch'],
    ['a copy', '[{"op":"copy","from":"/a","path":"/b"}]', 'op'],
    ['a path without its slash', '[{"op":"remove","path":"name"}]', 'path'],
    ['a replace without a value', '[{"op":"replace","path":"/name"}]', '/name'],
    ['__proto__', '[{"op":"add","path":"/custom/__proto__","value":{}}]', '/custom/__proto__'],
  ])('refuses %s naming %s', (_what, json, field) => {
    expect(refusal(() => parsePatch(json)).target?.name).toBe(field);
  });

  it('refuses array positions and removals that do not exist, naming the path', () => {
    for (const [op, path] of [
      ['replace', '/tags/5'],
      ['remove', '/nope'],
      ['add', '/tags/01'],
      ['add', '/missing/child'],
    ]) {
      const [o] = parsePatch(JSON.stringify([{ op, path, value: 1 }]));
      expect(refusal(() => applyOperation({ tags: ['a'] }, o)).target?.name, path).toBe(path);
    }
  });
});

describe('patchDeployment', () => {
  it('applies the seed paths and reports which members changed', () => {
    const p = patch(assetRow, [
      { op: 'replace', path: '/online/parameters/serving_name', value: 'new_name' },
      { op: 'replace', path: '/hardware_spec/num_nodes', value: 4 },
    ]);
    expect([...p.changed]).toEqual(['online', 'hardware_spec']);
    expect(p.online).toMatchObject({ servingName: 'new_name', foundationModel: true });
    expect(p.hardware).toMatchObject({ spec: { id: 'WX-S', num_nodes: 4 }, profile: { id: 'WX-S' } });
    expect(p.baseModelId).toBe('base');
    // The row itself is untouched: the service writes the result.
    expect(assetRow.onlineParameters).toEqual({ serving_name: 'abc', foundation_model: { max_sequence_length: 100 } });
  });

  it('removes the serving name with online.parameters', () => {
    expect(patch(assetRow, [{ op: 'remove', path: '/online/parameters' }]).online).toEqual({
      parameters: null,
      servingName: null,
      foundationModel: false,
    });
  });

  it('keeps foundation_model parameters off a deployment on a base deployment', () => {
    const templated = {
      ...assetRow,
      assetId: null,
      baseDeploymentId: 'b',
      promptTemplateId: 't',
      replicas: 0,
      hardwareSpec: null,
    } as DeploymentEntity;
    const err = refusal(() => patch(templated, [{ op: 'add', path: '/online/parameters/foundation_model', value: {} }]));
    expect(err.target?.name).toBe('online.parameters.foundation_model');
    expect(refusal(() => patch(templated, [{ op: 'add', path: '/hardware_request', value: {} }])).target?.name).toBe('/hardware_request');
  });

  it('lets a prompt tune have no hardware_spec and refuses one', () => {
    const tune = { ...assetRow, deployedAssetType: 'prompt_tune', hardwareSpec: null } as DeploymentEntity;
    expect(patch(tune, [{ op: 'replace', path: '/name', value: 'x' }]).hardware).toBeNull();
    expect(refusal(() => patch(tune, [{ op: 'add', path: '/hardware_spec', value: { id: 'WX-S' } }])).target?.name).toBe('/hardware_spec');
  });

  it.each([
    ['/name/x', 'replace'],
    ['/asset/type', 'replace'],
    ['/prompt_template', 'replace'],
    ['/online/serving_name', 'replace'],
    ['/', 'replace'],
    ['/metadata', 'add'],
  ])('refuses %s naming the path', (path, op) => {
    expect(refusal(() => patch(assetRow, [{ op, path, value: 'x' }])).target?.name).toBe(path);
  });
});
