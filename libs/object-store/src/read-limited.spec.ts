import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ByteLimitExceeded, readLimited } from './read-limited';
import { fixedParts } from './fixed-parts';

describe('readLimited', () => {
  it('reads a stream within its budget', async () => {
    expect((await readLimited(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 3)).toString()).toBe('abc');
  });

  it('stops and destroys a stream that goes past its budget (a server without Content-Length)', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 1;
        this.push(Buffer.alloc(1024));
      },
    });
    await expect(readLimited(endless, 10_000)).rejects.toBeInstanceOf(ByteLimitExceeded);
    expect(endless.destroyed).toBe(true);
    expect(pulled).toBeLessThan(100);
  });
});

describe('fixedParts', () => {
  async function sizes(chunks: number[], size: number): Promise<number[]> {
    const out: number[] = [];
    for await (const part of fixedParts(Readable.from(chunks.map((n) => Buffer.alloc(n))), size)) out.push(part.length);
    return out;
  }

  it('re-cuts arbitrary chunks into equal parts with a shorter last one', async () => {
    expect(await sizes([3, 9, 1], 4)).toEqual([4, 4, 4, 1]);
    expect(await sizes([8], 4)).toEqual([4, 4]);
    expect(await sizes([], 4)).toEqual([0]);
  });
});
