import { describe, expect, it } from 'vitest';
import { normalizeEntryPath } from './entry-path';
import { UnsafeArchiveError } from './errors';

function codeOf(name: string): string | undefined {
  try {
    normalizeEntryPath(name);
    return undefined;
  } catch (err) {
    return err instanceof UnsafeArchiveError ? err.code : 'other';
  }
}

describe('normalizeEntryPath', () => {
  it('cleans "." and empty segments', () => {
    expect(normalizeEntryPath('./knowledge//a/./qna.yaml')).toBe('knowledge/a/qna.yaml');
    expect(normalizeEntryPath('knowledge/a/')).toBe('knowledge/a');
    expect(normalizeEntryPath('./')).toBe('');
  });

  it('allows dots inside names', () => {
    expect(normalizeEntryPath('a/..b/c..d/...')).toBe('a/..b/c..d/...');
  });

  it('refuses every way out of the root', () => {
    expect(codeOf('..')).toBe('path-traversal');
    expect(codeOf('a/../../b')).toBe('path-traversal');
    expect(codeOf('a/b/..')).toBe('path-traversal');
    expect(codeOf('/abs')).toBe('absolute-path');
    expect(codeOf('//double')).toBe('absolute-path');
    expect(codeOf('C:/Windows')).toBe('absolute-path');
    expect(codeOf('C:Windows')).toBe('absolute-path');
    expect(codeOf('a\\..\\b')).toBe('unsafe-path');
    expect(codeOf('a\u0000b')).toBe('unsafe-path');
  });
});
