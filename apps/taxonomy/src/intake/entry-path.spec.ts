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

  it('refuses a path over 4,096 bytes or a segment over 255, and quotes at most 200 characters of it', () => {
    const segment = 'a'.repeat(255);
    const within = Array.from({ length: 16 }, () => segment).join('/');
    expect(normalizeEntryPath(within)).toBe(within);
    expect(codeOf(`${within}/x`)).toBe('path-too-long');
    expect(codeOf(`knowledge/${'é'.repeat(128)}/qna.yaml`)).toBe('path-too-long');
    expect(normalizeEntryPath(`knowledge/${'é'.repeat(127)}/qna.yaml`)).toBe(`knowledge/${'é'.repeat(127)}/qna.yaml`);
    let message = '';
    try {
      normalizeEntryPath('b'.repeat(1_000_000));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^entry "b{200}"… has a path over 4096 bytes$/);
  });
});
