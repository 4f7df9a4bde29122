import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { assetFileKey, assetListPrefix, pathToken, tokenPath } from './asset-file-paths';
import { ByteLimitError, byteLimit } from './byte-limit';

const PROJECT = { projectId: 'p1', spaceId: '' };
const SPACE = { projectId: '', spaceId: 's1' };

const sink = () => new Writable({ write: (_c, _e, done) => done() });

describe('asset file keys', () => {
  it('join a path to the project or space storage', () => {
    expect(assetFileKey(PROJECT, 'tune/data.json')).toBe('projects/p1/assets/tune/data.json');
    expect(assetFileKey(SPACE, '/data.jsonl')).toBe('spaces/s1/assets/data.jsonl');
    expect(assetListPrefix(PROJECT, undefined)).toBe('projects/p1/assets/');
    expect(assetListPrefix(SPACE, 'tune/res')).toBe('spaces/s1/assets/tune/res');
  });

  it.each(['../other/x', 'a/../../x', 'dir/', '', 'a//b'])('refuse %j naming path', (path) => {
    expect(() => assetFileKey(PROJECT, path)).toThrow(expect.objectContaining({ target: { type: 'field', name: 'path' } }));
  });

  it('refuse a climbing prefix naming prefix', () => {
    expect(() => assetListPrefix(PROJECT, '../')).toThrow(expect.objectContaining({ target: { type: 'field', name: 'prefix' } }));
  });

  it('page tokens round-trip any path in the paging helper alphabet', () => {
    const token = pathToken('résumé (1)/données.json');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(tokenPath(token)).toBe('résumé (1)/données.json');
  });
});

describe('byteLimit', () => {
  it('passes a body of exactly the limit', async () => {
    const counted = byteLimit(10);
    await pipeline(Readable.from([Buffer.alloc(6), Buffer.alloc(4)]), counted, sink());
    expect(counted.bytes).toBe(10);
  });

  it('fails one byte past the limit', async () => {
    await expect(pipeline(Readable.from([Buffer.alloc(6), Buffer.alloc(5)]), byteLimit(10), sink())).rejects.toBeInstanceOf(ByteLimitError);
  });
});
