import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { packTar } from './pack-tar';

async function readBack(tarGz: Buffer): Promise<Map<string, Buffer>> {
  const read = new Map<string, Buffer>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        read.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  Readable.from(gunzipSync(tarGz)).pipe(ex);
  await done;
  return read;
}

describe('packTar', () => {
  it('writes an archive tar-stream (the taxonomy service reader) reads back: empty, multi-block and 255-byte paths', async () => {
    const files = [
      { path: 'taxonomy/compositional_skills/writing/qna.yaml', data: new TextEncoder().encode('version: 3\n') },
      { path: `knowledge/${'deep/'.repeat(25)}qna.yaml`, data: new Uint8Array(1500).fill(65) },
      { path: 'README.md', data: new Uint8Array() },
      { path: 'knowledge/ünïcode/qna.yaml', data: new Uint8Array(512).fill(10) },
    ];
    const read = await readBack(gzipSync(packTar(files)));
    expect([...read.keys()]).toEqual(files.map((f) => f.path));
    for (const f of files) expect(new Uint8Array(read.get(f.path) ?? [])).toEqual(f.data);
  });

  it('refuses a path no ustar header can hold instead of cutting it', () => {
    expect(() => packTar([{ path: 'x'.repeat(101), data: new Uint8Array() }])).toThrow(/too long/);
  });
});
