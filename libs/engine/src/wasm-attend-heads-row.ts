/**
 * The wasm module's walk over a decode row's heads (attendHeadsRow; wasm-kernel.ts assembles the module), every head per
 * KV block, the next block read ahead, calling the per-block kernels of wasm-attention.ts by function index.
 */
import { type AttentionKernels, blockPositions, eachKvBlock, indexedPtr } from './wasm-attend-rows';
import { overLanes } from './wasm-attention';
import { advance, countUp, op } from './wasm-encoding';

/**
 * Reads a word of every 64-byte line of the sequence's next KV block in pool p, when one starts below the value `limit`
 * pushes. i32 locals in `at`: p, the table cursor t and this block's first position j (as eachKvBlock keeps them),
 * blockBytes, blockSize, and next and line as scratch. A sequence's blocks lie anywhere in the pool, and the hardware
 * prefetchers, which follow a stream within a 4 KiB page, lose it at every block: this burst of independent loads as a
 * block's work starts brings the next block in while this one is computed (a long decode's attention ≈ 20 % faster).
 * The loaded values are dropped, so results are unchanged.
 */
function touchNextBlock(
  at: { p: number; t: number; j: number; blockBytes: number; blockSize: number; next: number; line: number },
  limit: number[],
): number[] {
  return [
    ...op.block,
    ...op.get(at.j),
    ...op.get(at.blockSize),
    ...op.add,
    ...limit,
    ...op.geU,
    ...op.brIf(0), // this is the sequence's last block
    ...op.get(at.t),
    ...op.i32load(4),
    ...op.get(at.blockBytes),
    ...op.mul,
    ...op.get(at.p),
    ...op.add,
    ...op.set(at.next),
    ...countUp(at.line, 64, at.blockBytes, [...op.get(at.next), ...op.get(at.line), ...op.add, ...op.i32load(0), ...op.drop]),
    ...op.end,
  ];
}

/**
 * attendHeadsRow(pq, pk, pv, ptable, blockBytes, stride, blockSize, len, hdBytes, pw, scale, pout, heads, group, h0,
 * wStride): heads [h0, h0 + heads) of one row over len cached positions (a decode step's row), every head of it taken
 * per KV block: query head h at pq + h · hdBytes, its output at pout + h · hdBytes (zeroed first), its scores at
 * pw + (h − h0) · wStride, its keys at pk + id · blockBytes + ⌊h / group⌋ · the cache's bytes per head (V likewise).
 * Head by head, each head's pass over a long context fetched every cache row whole (the prefetchers bring the other
 * heads' slices along) and used a quarter of it; block by block, the other heads find their slices in L1. Two heads
 * of one KV head's group go through the two-row kernels together (16 decode rows' attention 5–8 % faster).
 * The keys of each head in the order attendRows takes them for that head alone, so the same bits. `bf16`: a bf16
 * cache (the B kernels in `fn`). Locals: j, t, n, base, h, hEnd, next, line (i32).
 */
export function attendHeadsRowBody(fn: AttentionKernels, bf16: boolean): { locals: [number, number]; body: number[] } {
  const [pq, pk, pv, ptable, blockBytes, stride, blockSize, len, hdB, pw, scale, pout, heads, group, h0, wStride] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  ];
  const [j, t, n, base, h, hEnd, next, line] = [16, 17, 18, 19, 20, 21, 22, 23];
  /** The loop h = h0 … hEnd around `body` (at least one head). */
  const eachHead = (body: number[]): number[] => countUp(h, 1, hEnd, body, op.get(h0));
  /**
   * The heads h0 … hEnd: `pair` for heads h and h + 1 when they read the same KV head (their keys and V rows loaded
   * once for both), else `one(0)` for h alone.
   */
  const eachHeadPaired = (pair: number[], one: (next: number) => number[]): number[] => [
    ...op.get(h0),
    ...op.set(h),
    ...op.loop,
    ...op.block,
    ...op.block,
    ...op.get(h),
    ...op.i32(1),
    ...op.add,
    ...op.tee(next),
    ...op.get(hEnd),
    ...op.geU,
    ...op.brIf(0), // h is the last head
    ...op.get(next),
    ...op.get(group),
    ...op.remU,
    ...op.eqz,
    ...op.brIf(0), // h + 1 starts the next KV head's group
    ...pair,
    ...advance(h, op.i32(2)),
    ...op.br(1),
    ...op.end,
    ...one(0),
    ...advance(h, op.i32(1)),
    ...op.end,
    ...op.get(h),
    ...op.get(hEnd),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
  ];
  /**
   * For each block of pool p (base = its offset; n = its positions below len): the next block's lines touched, then
   * `pair` or `one` for every head.
   */
  const eachBlock = (p: number, one: (next: number) => number[], pair: number[]): number[] =>
    eachKvBlock({ j, t, base, ptable, blockBytes, blockSize }, op.get(len), [
      ...touchNextBlock({ p, t, j, blockBytes, blockSize, next, line }, op.get(len)),
      ...op.get(len),
      ...op.get(j),
      ...op.sub,
      ...op.set(n),
      ...blockPositions(n, blockSize),
      ...eachHeadPaired(pair, one),
    ]);
  /** p + (h + next) · hdBytes: head h's query or output, or (next 1) head h + 1's. */
  const headPtr = (p: number, next = 0): number[] => indexedPtr(p, h, hdB, next);
  /** p + base + ⌊h / group⌋ · bytes per cached head (hdBytes, halved for bf16): head h's keys or V rows in the block. */
  const cachePtr = (p: number): number[] => [
    ...op.get(p),
    ...op.get(base),
    ...op.add,
    ...op.get(h),
    ...op.get(group),
    ...op.divU,
    ...op.get(hdB),
    ...(bf16 ? [...op.i32(1), ...op.shrU] : []),
    ...op.mul,
    ...op.add,
  ];
  /** pw + (h − h0) · wStride: head h's scores. */
  const scoresPtr = [...op.get(pw), ...op.get(h), ...op.get(h0), ...op.sub, ...op.get(wStride), ...op.mul, ...op.add];
  const blockScores = [...scoresPtr, ...op.get(j), ...op.i32(2), ...op.shl, ...op.add];
  const blockScoresOf = (next: number): number[] => [...blockScores, ...(next ? [...op.get(wStride), ...op.add] : [])];
  return {
    locals: [8, 0],
    body: [
      ...op.get(h0),
      ...op.get(heads),
      ...op.add,
      ...op.set(hEnd),
      ...eachBlock(
        pk,
        (next) => [
          ...headPtr(pq, next),
          ...cachePtr(pk),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...blockScoresOf(next),
          ...op.call(fn.scores),
        ],
        [
          ...headPtr(pq),
          ...headPtr(pq, 1),
          ...cachePtr(pk),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...blockScoresOf(0),
          ...blockScoresOf(1),
          ...op.call(fn.scores2),
        ],
      ),
      ...eachHead([
        ...scoresPtr,
        ...op.get(len),
        ...op.get(scale),
        ...op.call(fn.softmax),
        ...overLanes(j, hdB, [...headPtr(pout), ...op.get(j), ...op.add, ...op.vzero, ...op.vstore]),
      ]),
      ...eachBlock(
        pv,
        (next) => [
          ...blockScoresOf(next),
          ...cachePtr(pv),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...headPtr(pout, next),
          ...op.call(fn.axpy),
        ],
        [
          ...blockScoresOf(0),
          ...blockScoresOf(1),
          ...cachePtr(pv),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...headPtr(pout),
          ...headPtr(pout, 1),
          ...op.call(fn.axpy2),
        ],
      ),
    ],
  };
}
