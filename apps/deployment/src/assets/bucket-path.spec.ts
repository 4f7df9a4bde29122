import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { bucketPathProblem, requireModelId } from './bucket-path';

describe('model store ids', () => {
  it.each(['granite-3b', 'ibm-granite/granite-3.1-8b-instruct', 'a/b/c_d.e', 'x'.repeat(256)])('accepts %s', (id) => {
    expect(() => requireModelId(id)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(257)],
    ['climbing out', '../secrets'],
    ['climbing out midway', 'a/../../b'],
    ['a dot segment', 'a/./b'],
    ['absolute', '/granite'],
    ['a trailing slash', 'granite/'],
    ['an empty segment', 'a//b'],
    ['a space', 'granite 3b'],
    ['a backslash', 'a\\b'],
    ['a percent escape', 'a%2F..'],
  ])('refuses %s naming foundation_model.model_id', (_what, id) => {
    const err = (() => {
      try {
        requireModelId(id);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as PlatformError).target?.name).toBe('foundation_model.model_id');
  });

  it('bounds content paths by their own length', () => {
    expect(bucketPathProblem('a'.repeat(1024), 1024)).toBeUndefined();
    expect(bucketPathProblem('a'.repeat(1025), 1024)).toMatch(/at most 1024/);
  });
});
