import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors';

const dir = mkdtempSync(join(tmpdir(), 'engine-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safetensors', () => {
  const values = Float32Array.from([0, 1, -2.5, 3.140625, 65504, 1e-3, -1e-7, 0.1]);
  const tensors = new Map([
    ['a.weight', { shape: [2, 4], data: values }],
    ['b', { shape: [3], data: Float32Array.from([1, 2, 3]) }],
  ]);

  it('round-trips F32 exactly with metadata and an aligned header', () => {
    const path = join(dir, 'f32.safetensors');
    writeSafetensors(path, tensors, { format: 'pt' });
    const raw = readFileSync(path);
    const headerLen = Number(raw.readBigUInt64LE(0));
    expect((8 + headerLen) % 8).toBe(0);
    expect(JSON.parse(raw.subarray(8, 8 + headerLen).toString()).__metadata__).toEqual({ format: 'pt' });
    const back = readSafetensors(path);
    expect([...back.keys()]).toEqual(['a.weight', 'b']);
    expect(back.get('a.weight')).toEqual({ dtype: 'F32', shape: [2, 4], data: values });
  });

  it('widens F16 and BF16 to f32 within their precision', () => {
    for (const [dtype, tol] of [
      ['F16', 1e-3],
      ['BF16', 8e-3],
    ] as const) {
      const path = join(dir, `${dtype}.safetensors`);
      writeSafetensors(path, tensors, undefined, dtype);
      const t = readSafetensors(path, { shared: true }).get('a.weight');
      expect(t?.dtype).toBe(dtype);
      expect(t?.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      values.forEach((v, i) => expect(Math.abs((t?.data[i] ?? NaN) - v)).toBeLessThanOrEqual(Math.abs(v) * tol + 1e-7));
    }
    // Exactly representable values survive unchanged.
    const t = readSafetensors(join(dir, 'F16.safetensors')).get('b');
    expect(Array.from(t?.data ?? [])).toEqual([1, 2, 3]);
  });

  it('rejects shape/data mismatches', () => {
    expect(() => writeSafetensors(join(dir, 'bad.safetensors'), new Map([['x', { shape: [5], data: new Float32Array(4) }]]))).toThrow();
  });
});
