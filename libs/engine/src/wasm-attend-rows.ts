/**
 * The wasm module's walkers over a sequence's paged KV cache (wasm-kernel.ts assembles it): attendRows (a tile of a
 * prompt's rows, one head) and attendHeadsRow (a decode row, all of a thread's heads), each calling the per-block
 * kernels of wasm-attention.ts by function index, block by block.
 */
import { overLanes } from './wasm-attention';
import { advance, countUp, op } from './wasm-encoding';

/**
 * The walk over a sequence's KV blocks (i32 locals in `at`): for each block id (i32s from ptable, t the cursor),
 * base = id · blockBytes, then `body`; j, its first position, steps by blockSize while below the value `limit` pushes.
 */
function eachKvBlock(
  at: { j: number; t: number; base: number; ptable: number; blockBytes: number; blockSize: number },
  limit: number[],
  body: number[],
): number[] {
  return [
    ...op.i32(0),
    ...op.set(at.j),
    ...op.get(at.ptable),
    ...op.set(at.t),
    ...op.loop,
    ...op.get(at.t),
    ...op.i32load(0),
    ...op.get(at.blockBytes),
    ...op.mul,
    ...op.set(at.base),
    ...body,
    ...advance(at.t, op.i32(4)),
    ...advance(at.j, op.get(at.blockSize)),
    ...op.get(at.j),
    ...limit,
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
  ];
}

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

/** n = min(blockSize, n): a block's positions (i32 locals). */
const blockPositions = (n: number, blockSize: number): number[] => [
  ...op.get(blockSize),
  ...op.get(n),
  ...op.get(n),
  ...op.get(blockSize),
  ...op.gtU,
  ...op.select,
  ...op.set(n),
];

/**
 * attendRows(pq, pk, pv, ptable, blockBytes, stride, blockSize, len, hdBytes, pw, scale, pout, rows, qStride, oStride,
 * wStride): one head's attention for `rows` ≥ 1 consecutive rows of a sequence, row r over len + r cached positions in
 * KV-cache blocks: its scores of every block's keys into pw + r · wStride, their softmax, and the weighted sum of the V
 * rows into pout + r · oStride (zeroed first); its query at pq + r · qStride. The block ids are the i32s at ptable; a
 * block's first key of this head is at pk + id · blockBytes (its first V row likewise from pv), and keys are `stride`
 * bytes apart. Each block is taken for every row in turn, so a prompt's rows read its keys and values from L1 once
 * per block rather than from the outer caches once per row. It calls the scores, softmax and axpy functions (indices
 * in `fn`) per block and row, with the counts a row taken alone would give them, so the results are the same bits.
 * Locals: j, t, n, r, base (i32).
 */
export function attendRowsBody(fn: { scores: number; softmax: number; axpy: number }): { locals: [number, number]; body: number[] } {
  const [pq, pk, pv, ptable, blockBytes, stride, blockSize, len, hdB, pw, scale, pout, rows, qStride, oStride, wStride] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  ];
  const [j, t, n, r, base] = [16, 17, 18, 19, 20];
  /** p + r · rowStride, for row r's pointer. */
  const rowPtr = (p: number, rowStride: number): number[] => [...op.get(p), ...op.get(r), ...op.get(rowStride), ...op.mul, ...op.add];
  /**
   * For each block (base = its offset), for each row with keys in it: n = min(blockSize, len + r − j), then `call`;
   * until j passes the last row's length.
   */
  const eachBlockAndRow = (call: number[]): number[] =>
    eachKvBlock(
      { j, t, base, ptable, blockBytes, blockSize },
      [...op.get(len), ...op.get(rows), ...op.add, ...op.i32(1), ...op.sub],
      countUp(r, 1, rows, [
        ...op.block,
        ...op.get(len),
        ...op.get(r),
        ...op.add,
        ...op.get(j),
        ...op.sub,
        ...op.tee(n),
        ...op.i32(0),
        ...op.leS,
        ...op.brIf(0), // this row's context ends before the block
        ...blockPositions(n, blockSize),
        ...call,
        ...op.end,
      ]),
    );
  /** pw + r · wStride + 4j: row r's scores of the block. */
  const blockScores = [...rowPtr(pw, wStride), ...op.get(j), ...op.i32(2), ...op.shl, ...op.add];
  return {
    locals: [5, 0],
    body: [
      ...eachBlockAndRow([
        ...rowPtr(pq, qStride),
        ...op.get(pk),
        ...op.get(base),
        ...op.add,
        ...op.get(stride),
        ...op.get(n),
        ...op.get(hdB),
        ...blockScores,
        ...op.call(fn.scores),
      ]),
      // each row's softmax, and its output zeroed
      ...countUp(r, 1, rows, [
        ...rowPtr(pw, wStride),
        ...op.get(len),
        ...op.get(r),
        ...op.add,
        ...op.get(scale),
        ...op.call(fn.softmax),
        ...overLanes(j, hdB, [...rowPtr(pout, oStride), ...op.get(j), ...op.add, ...op.vzero, ...op.vstore]),
      ]),
      ...eachBlockAndRow([
        ...blockScores,
        ...op.get(pv),
        ...op.get(base),
        ...op.add,
        ...op.get(stride),
        ...op.get(n),
        ...op.get(hdB),
        ...rowPtr(pout, oStride),
        ...op.call(fn.axpy),
      ]),
    ],
  };
}

/**
 * attendHeadsRow(pq, pk, pv, ptable, blockBytes, stride, blockSize, len, hdBytes, pw, scale, pout, heads, group, h0,
 * wStride): heads [h0, h0 + heads) of one row over len cached positions (a decode step's row), every head of it taken
 * per KV block: query head h at pq + h · hdBytes, its output at pout + h · hdBytes (zeroed first), its scores at
 * pw + (h − h0) · wStride, its keys at pk + id · blockBytes + ⌊h / group⌋ · the cache's bytes per head (V likewise).
 * Head by head, each head's pass over a long context fetched every cache row whole (the prefetchers bring the other
 * heads' slices along) and used a quarter of it; block by block, the other heads find their slices in L1. The same
 * scores, softmax and axpy calls and counts as attendRows for each head alone, so the same bits. `bf16`: a bf16 cache
 * (the B kernels in `fn`). Locals: j, t, n, base, h, hEnd, next, line (i32).
 */
export function attendHeadsRowBody(
  fn: { scores: number; softmax: number; axpy: number },
  bf16: boolean,
): { locals: [number, number]; body: number[] } {
  const [pq, pk, pv, ptable, blockBytes, stride, blockSize, len, hdB, pw, scale, pout, heads, group, h0, wStride] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  ];
  const [j, t, n, base, h, hEnd, next, line] = [16, 17, 18, 19, 20, 21, 22, 23];
  /** The loop h = h0 … hEnd around `body` (at least one head). */
  const eachHead = (body: number[]): number[] => countUp(h, 1, hEnd, body, op.get(h0));
  /**
   * For each block of pool p (base = its offset; n = its positions below len): the next block's lines touched, then
   * `call` for every head.
   */
  const eachBlock = (p: number, call: number[]): number[] =>
    eachKvBlock({ j, t, base, ptable, blockBytes, blockSize }, op.get(len), [
      ...touchNextBlock({ p, t, j, blockBytes, blockSize, next, line }, op.get(len)),
      ...op.get(len),
      ...op.get(j),
      ...op.sub,
      ...op.set(n),
      ...blockPositions(n, blockSize),
      ...eachHead(call),
    ]);
  /** p + h · hdBytes: head h's query or output. */
  const headPtr = (p: number): number[] => [...op.get(p), ...op.get(h), ...op.get(hdB), ...op.mul, ...op.add];
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
  return {
    locals: [8, 0],
    body: [
      ...op.get(h0),
      ...op.get(heads),
      ...op.add,
      ...op.set(hEnd),
      ...eachBlock(pk, [
        ...headPtr(pq),
        ...cachePtr(pk),
        ...op.get(stride),
        ...op.get(n),
        ...op.get(hdB),
        ...blockScores,
        ...op.call(fn.scores),
      ]),
      ...eachHead([
        ...scoresPtr,
        ...op.get(len),
        ...op.get(scale),
        ...op.call(fn.softmax),
        ...overLanes(j, hdB, [...headPtr(pout), ...op.get(j), ...op.add, ...op.vzero, ...op.vstore]),
      ]),
      ...eachBlock(pv, [
        ...blockScores,
        ...cachePtr(pv),
        ...op.get(stride),
        ...op.get(n),
        ...op.get(hdB),
        ...headPtr(pout),
        ...op.call(fn.axpy),
      ]),
    ],
  };
}
