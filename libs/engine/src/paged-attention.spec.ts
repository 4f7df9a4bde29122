import { afterAll, describe, expect, it } from 'vitest';
import { Arena } from './arena';
import { KvCache } from './kv-cache';
import { PagedAttention, type AttentionSeq } from './paged-attention';
import { MatmulPool } from './parallel';

describe('PagedAttention', () => {
  const shape = { heads: 4, kvHeads: 2, hd: 16 };
  const [qDim, kvDim] = [shape.heads * shape.hd, shape.kvHeads * shape.hd];
  const qkvDim = qDim + 2 * kvDim;
  const [layers, blockSize, maxRows, maxContext] = [2, 4, 32, 40];
  const kvBytes = 64 * layers * 2 * blockSize * kvDim * 4;
  const blocks = KvCache.blocksInBudget(layers, kvDim, kvBytes, blockSize);
  const arena = new Arena(
    Arena.sizeOf([
      ...new Array<number>(2 * layers).fill(blocks * blockSize * kvDim),
      maxRows * qkvDim,
      2 * maxRows * qDim,
      ...PagedAttention.arenaCounts(maxContext, blocks, maxRows, 1, shape.heads),
    ]),
  );
  const kv = new KvCache(layers, kvDim, kvBytes, blockSize, { f32: (n) => arena.alloc(n), bf16: (n) => arena.allocU16(n) });
  const qkv = arena.alloc(maxRows * qkvDim);
  const [simdOut, jsOut] = [arena.alloc(maxRows * qDim), arena.alloc(maxRows * qDim)];
  const attention = new PagedAttention(shape, kv, (n) => arena.alloc(n), maxRows, 1, maxContext);
  const pool = new MatmulPool(1, arena);
  afterAll(() => pool.close());
  let seed = 3;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };

  it('gives a step of prompt chunks and decode rows, tiled, what the float64 path gives', () => {
    // Three sequences: a prompt chunk after 9 cached positions (its rows tile in eights, the last tile short), a
    // whole 3-row prompt, and one decode row; each step writes its rows' K/V before attending.
    const seqs: AttentionSeq[] = [
      { tokens: new Array<number>(19).fill(0), startPos: 9, blocks: [] },
      { tokens: new Array<number>(3).fill(0), startPos: 0, blocks: [] },
      { tokens: [0], startPos: 30, blocks: [] },
    ];
    for (const s of seqs) expect(kv.ensure(s.blocks as number[], s.startPos + s.tokens.length)).toBe(true);
    for (const a of [...kv.k, ...kv.v]) for (let i = 0; i < a.length; i++) a[i] = rand();
    for (let i = 0; i < qkv.length; i++) qkv[i] = rand();
    for (let l = 0; l < layers; l++) {
      attention.run(seqs, l, qkv, simdOut, pool);
      attention.run(seqs, l, qkv, jsOut, undefined);
      for (let i = 0; i < 23 * qDim; i++) expect(Math.abs(simdOut[i] - jsOut[i]), `layer ${l}, float ${i}`).toBeLessThan(1e-5);
    }
  });

  it('refuses to run a bf16 cache on the float64 path, which reads f32 pools', () => {
    const bf16Kv = new KvCache(
      layers,
      kvDim,
      kvBytes / 2,
      blockSize,
      { f32: (n) => new Float32Array(n), bf16: (n) => new Uint16Array(n) },
      'BF16',
    );
    expect(bf16Kv.numBlocks).toBe(kv.numBlocks); // half the bytes per position
    const seq: AttentionSeq = { tokens: [0], startPos: 0, blocks: [] };
    bf16Kv.ensure(seq.blocks as number[], 1);
    const js = new PagedAttention(shape, bf16Kv, (n) => new Float32Array(n), maxRows, 1, maxContext);
    expect(() => js.run([seq], 0, qkv, jsOut, undefined)).toThrow(/bf16 KV cache needs the wasm kernels/);
  });

  it('refuses a sequence longer than the context its scores were sized for', () => {
    const seq: AttentionSeq = { tokens: [0], startPos: maxContext, blocks: [] };
    kv.ensure(seq.blocks as number[], maxContext + 1);
    expect(() => attention.run([seq], 0, qkv, simdOut, pool)).toThrow(RangeError);
  });
});

describe('PagedAttention on several threads', () => {
  const shape = { heads: 4, kvHeads: 2, hd: 16 };
  const [qDim, kvDim] = [shape.heads * shape.hd, shape.kvHeads * shape.hd];
  const qkvDim = qDim + 2 * kvDim;
  const [blockSize, maxRows, maxContext, blocks] = [4, 40, 48, 200];
  const kvBytes = blocks * 2 * blockSize * kvDim * 4;
  const arena = new Arena(
    Arena.sizeOf([
      2 * blocks * blockSize * kvDim,
      maxRows * qkvDim,
      3 * maxRows * qDim,
      ...[1, 2, 3].flatMap((t) => PagedAttention.arenaCounts(maxContext, blocks, maxRows, t, shape.heads)),
    ]),
  );
  const kv = new KvCache(1, kvDim, kvBytes, blockSize, { f32: (n) => arena.alloc(n), bf16: (n) => arena.allocU16(n) });
  const qkv = arena.alloc(maxRows * qkvDim);
  const pools = [1, 2, 3].map((t) => new MatmulPool(t, arena));
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  it('gives every row the same bits on 1, 2 and 3 threads, decode rows of unequal contexts split by sequence', () => {
    // A prompt chunk (split by heads) among decode rows of 1 to 45 positions (split by sequence, by positions).
    const seqs: AttentionSeq[] = [
      { tokens: new Array<number>(20).fill(0), startPos: 20, blocks: [] },
      ...[44, 0, 3, 30, 17, 39, 8, 25, 41, 12, 35, 1, 22, 44].map((startPos) => ({ tokens: [0], startPos, blocks: [] })),
    ];
    const rows = seqs.reduce((n, s) => n + s.tokens.length, 0);
    for (const s of seqs) expect(kv.ensure(s.blocks as number[], s.startPos + s.tokens.length)).toBe(true);
    let seed = 5;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32 - 0.5;
    };
    for (const a of [...kv.k, ...kv.v]) for (let i = 0; i < a.length; i++) a[i] = rand();
    for (let i = 0; i < qkv.length; i++) qkv[i] = rand();
    const outs = pools.map((pool) => {
      const out = arena.alloc(maxRows * qDim).fill(NaN);
      new PagedAttention(shape, kv, (n) => arena.alloc(n), maxRows, pool.threads, maxContext).run(seqs, 0, qkv, out, pool);
      return Array.from(out.subarray(0, rows * qDim));
    });
    expect(outs[0].every(Number.isFinite)).toBe(true);
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
  });
});
