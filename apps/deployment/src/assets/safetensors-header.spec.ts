import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { writeSafetensors } from '@platform/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { parameterCount, readSafetensorsHeader, SafetensorsHeaderError } from './safetensors-header';

const dir = mkdtempSync(join(tmpdir(), 'safetensors-header-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(shapes: Record<string, number[]>): Buffer {
  const path = join(dir, `${Object.keys(shapes).join('-')}.safetensors`);
  const tensors = new Map(
    Object.entries(shapes).map(([name, shape]) => [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]),
  );
  writeSafetensors(path, tensors);
  return readFileSync(path);
}

/** A stream of `bytes` in chunks of `size`, counting what its reader pulled. */
function chunked(bytes: Buffer, size: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  function* chunks() {
    for (let i = 0; i < bytes.length; i += size) {
      pulled += Math.min(size, bytes.length - i);
      yield bytes.subarray(i, i + size);
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false, highWaterMark: size }), pulled: () => pulled };
}

function withHeader(json: string, lengthOverride?: bigint): Buffer {
  const header = Buffer.from(json);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(header.length));
  return Buffer.concat([len, header]);
}

describe('readSafetensorsHeader', () => {
  it('reads every tensor shape written by the engine, and the parameter count is the sum of their products', async () => {
    const file = fileWith({ 'a.weight': [4, 8], 'b.bias': [8], 'c.norm': [2, 3, 5] });
    const tensors = await readSafetensorsHeader(Readable.from([file]));
    expect([...tensors.keys()].sort()).toEqual(['a.weight', 'b.bias', 'c.norm']);
    expect(tensors.get('c.norm')).toEqual({ dtype: 'F32', shape: [2, 3, 5] });
    expect(parameterCount(tensors.values())).toBe(32 + 8 + 30);
  });

  it('reads the header across 3-byte chunks and stops pulling soon after it (not the weights)', async () => {
    const big = fileWith({ big: [256, 1024] }); // 1 MiB of weights behind a short header
    const headerEnd = 8 + Number(big.readBigUInt64LE(0));
    const { stream, pulled } = chunked(big, 3);
    const tensors = await readSafetensorsHeader(stream);
    expect(parameterCount(tensors.values())).toBe(256 * 1024);
    expect(pulled()).toBeLessThan(headerEnd + 64 * 1024);
    expect(stream.destroyed).toBe(true);
  });

  it('counts a scalar as one parameter and skips __metadata__', async () => {
    const tensors = await readSafetensorsHeader(
      Readable.from([withHeader('{"__metadata__":{"format":"pt"},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}')]),
    );
    expect(parameterCount(tensors.values())).toBe(1);
  });

  it.each([
    ['a header length above the bound', withHeader('{}', 1n << 40n), /outside/],
    ['a zero header length', withHeader('', 0n), /outside/],
    ['a file that ends inside its header', withHeader('{"a":{"dtype":"F32","shape":[1]}}').subarray(0, 20), /ends inside/],
    ['a file shorter than the length field', Buffer.from([1, 2, 3]), /ends inside/],
    ['a header that is not JSON', withHeader('{nope'), /not JSON/],
    ['a header that is a JSON array', withHeader('[1]'), /not a JSON object/],
    ['a negative dimension', withHeader('{"a":{"dtype":"F32","shape":[-1]}}'), /no valid dtype and shape/],
    ['a fractional dimension', withHeader('{"a":{"dtype":"F32","shape":[1.5]}}'), /no valid dtype and shape/],
    ['a tensor without a shape', withHeader('{"a":{"dtype":"F32"}}'), /no valid dtype and shape/],
  ])('refuses %s', async (_what, bytes, message) => {
    const err = await readSafetensorsHeader(Readable.from([bytes]), 1 << 20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsHeaderError);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses a count beyond what a number holds exactly', () => {
    expect(() => parameterCount([{ dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30] }])).toThrow(SafetensorsHeaderError);
  });
});
