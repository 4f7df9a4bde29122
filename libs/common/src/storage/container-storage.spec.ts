import { describe, expect, it } from 'vitest';
import { PlatformError } from '../errors/platform-error';
import { containerStoragePrefix, dataReferenceKey, requestContainer, storageKey } from './container-storage';

const project = { projectId: '12ac4cf1-252f-424b-b52d-5cdd9814987f' };
const space = { spaceId: '3fc54cf1-252f-424b-b52d-5cdd9814987f' };

function refusal(fn: () => unknown): PlatformError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlatformError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('container storage', () => {
  it('gives every project and space its own assets prefix', () => {
    expect(containerStoragePrefix(project)).toBe(`projects/${project.projectId}/assets/`);
    expect(containerStoragePrefix(space)).toBe(`spaces/${space.spaceId}/assets/`);
  });

  it('resolves container references relative to the storage and fs references inside it', () => {
    expect(dataReferenceKey(project, { type: 'container', location: { path: 'tune1_data.json' } }, 'training_data_references[0]')).toBe(
      `projects/${project.projectId}/assets/tune1_data.json`,
    );
    expect(dataReferenceKey(space, { type: 'container', location: { path: 'tune1/results/' } }, 'results_reference')).toBe(
      `spaces/${space.spaceId}/assets/tune1/results/`,
    );
    expect(dataReferenceKey(project, { type: 'fs', location: { path: `/projects/${project.projectId}/assets/data/a.jsonl` } }, 'ref')).toBe(
      `projects/${project.projectId}/assets/data/a.jsonl`,
    );
  });

  it.each([
    ['a path climbing out', { type: 'container', location: { path: '../other/x.json' } }, 'ref.location.path'],
    ['an empty segment', { type: 'container', location: { path: 'a//b' } }, 'ref.location.path'],
    ['another project', { type: 'fs', location: { path: `/projects/${space.spaceId}/assets/x.json` } }, 'ref.location.path'],
    ['a connection asset', { type: 'connection_asset', connection: { id: 'c' }, location: { bucket: 'b' } }, 'ref.type'],
    ['no path', { type: 'container', location: {} }, 'ref.location.path'],
  ])('refuses %s naming the field', (_, ref, field) => {
    expect(refusal(() => dataReferenceKey(project, ref, 'ref')).target).toMatchObject({ name: field });
  });

  it('refuses control characters and over-long paths', () => {
    expect(refusal(() => storageKey(project, 'a\u0000b', 'path')).message).toMatch(/may hold only/);
    expect(refusal(() => storageKey(project, 'a'.repeat(1025), 'path')).message).toMatch(/at most 1024/);
  });

  it('reads the one container a request names, refusing none, both or a malformed id by name', () => {
    expect(requestContainer({ projectId: project.projectId, spaceId: '' })).toEqual(project);
    expect(requestContainer({ projectId: '', spaceId: space.spaceId })).toEqual(space);
    expect(refusal(() => requestContainer({ projectId: '', spaceId: '' })).target).toMatchObject({ name: 'project_id' });
    expect(refusal(() => requestContainer({ projectId: project.projectId, spaceId: space.spaceId })).target).toMatchObject({
      name: 'space_id',
    });
    expect(refusal(() => requestContainer({ projectId: 'x', spaceId: '' })).target).toMatchObject({ name: 'project_id' });
  });
});
