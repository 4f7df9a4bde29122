/**
 * The wasm module's walk over a tile of a prompt's rows for one head (attendRows; wasm-kernel.ts assembles the module),
 * calling the per-block kernels of wasm-attention.ts by function index, block by block, and the walk helpers a decode
 * row's walk (wasm-attend-heads-row.ts) shares.
 */
import { overLanes } from './wasm-attention';
import { advance, countUp, op } from './wasm-encoding';

/** The function indices of the per-block kernels the walkers call (wasm-attention.ts): one row's, two rows', softmax. */
export interface AttentionKernels {
  scores: number;
  scores2: number;
  axpy: number;
  axpy2: number;
  softmax: number;
}

/**
 * The walk over a sequence's KV blocks (i32 locals in `at`): for each block id (i32s from ptable, t the cursor),
 * base = id · blockBytes, then `body`; j, its first position, steps by blockSize while below the value `limit` pushes.
 */
export function eachKvBlock(
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

/** p + (i + next) · stride (i32 locals p, i, stride). */
export const indexedPtr = (p: number, i: number, stride: number, next: number): number[] => [
  ...op.get(p),
  ...op.get(i),
  ...(next ? [...op.i32(next), ...op.add] : []),
  ...op.get(stride),
  ...op.mul,
  ...op.add,
];

/** n = min(blockSize, n): a block's positions (i32 locals). */
export const blockPositions = (n: number, blockSize: number): number[] => [
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
 * per block rather than from the outer caches once per row. The rows go through a block in pairs (the two-row scores
 * and axpy: each key and V row loaded once for both, and twice the sums in flight; a 2,000-token prompt's attention
 * 15–20 % faster, f32 and bf16), a pair's second row taking the one key it may have beyond the first's alone. Every
 * row's keys are taken in the order a row alone takes them, and each score and each output lane depends only on that
 * order, so the results are the bits of the one-row kernels called per block and row. Locals: j, t, n, r, base, m
 * (i32).
 */
export function attendRowsBody(fn: AttentionKernels): { locals: [number, number]; body: number[] } {
  const [pq, pk, pv, ptable, blockBytes, stride, blockSize, len, hdB, pw, scale, pout, rows, qStride, oStride, wStride] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  ];
  const [j, t, n, r, base, m] = [16, 17, 18, 19, 20, 21];
  /** p + (r + next) · rowStride: row r's pointer, or (next 1) row r + 1's. */
  const rowPtr = (p: number, rowStride: number, next = 0): number[] => indexedPtr(p, r, rowStride, next);
  /** Row r's context minus j (or r + 1's, `next` 1): its positions from this block on. */
  const rowAhead = [...op.get(len), ...op.get(r), ...op.add, ...op.get(j), ...op.sub];
  /**
   * For each block (base = its offset), for each row with keys in it, n = min(blockSize, len + r − j): `pair(next)`
   * for rows r and r + 1 over row r's n keys (row r + 1 has the same, or one more: then `one` for it over that key),
   * and `one` for a row left alone; until j passes the last row's length.
   */
  const eachBlockAndRow = (pair: number[], one: (next: number, key: number[]) => number[]): number[] =>
    eachKvBlock(
      { j, t, base, ptable, blockBytes, blockSize },
      [...op.get(len), ...op.get(rows), ...op.add, ...op.i32(1), ...op.sub],
      [
        ...op.i32(0),
        ...op.set(r),
        ...op.block,
        ...op.loop,
        ...op.get(rows),
        ...op.get(r),
        ...op.sub,
        ...op.i32(2),
        ...op.ltU,
        ...op.brIf(1), // one row left, or none
        ...op.block,
        ...rowAhead,
        ...op.tee(m),
        ...op.i32(0),
        ...op.ltS,
        ...op.brIf(0), // both rows' contexts end before the block
        ...op.block,
        ...op.get(m),
        ...op.eqz,
        ...op.brIf(0), // row r's does
        ...op.get(m),
        ...op.set(n),
        ...blockPositions(n, blockSize),
        ...pair,
        ...op.end,
        ...op.get(m),
        ...op.get(blockSize),
        ...op.geU,
        ...op.brIf(0), // row r + 1 has no key here that row r has not
        ...op.i32(1),
        ...op.set(n),
        ...one(1, op.get(m)),
        ...op.end,
        ...advance(r, op.i32(2)),
        ...op.br(0),
        ...op.end,
        ...op.end,
        ...op.block,
        ...op.get(r),
        ...op.get(rows),
        ...op.geU,
        ...op.brIf(0), // the rows went in pairs
        ...rowAhead,
        ...op.tee(n),
        ...op.i32(0),
        ...op.leS,
        ...op.brIf(0), // the last row's context ends before the block
        ...blockPositions(n, blockSize),
        ...one(0, op.i32(0)),
        ...op.end,
      ],
    );
  /** pw + (r + next) · wStride + 4(j + key): a row's scores of the block from its key `key` on. */
  const blockScores = (next: number, key: number[]): number[] => [
    ...rowPtr(pw, wStride, next),
    ...op.get(j),
    ...key,
    ...op.add,
    ...op.i32(2),
    ...op.shl,
    ...op.add,
  ];
  /** p + base + key · stride: the block's row `key` in pool p. */
  const cacheRow = (p: number, key: number[]): number[] => [
    ...op.get(p),
    ...op.get(base),
    ...op.add,
    ...key,
    ...op.get(stride),
    ...op.mul,
    ...op.add,
  ];
  return {
    locals: [6, 0],
    body: [
      ...eachBlockAndRow(
        [
          ...rowPtr(pq, qStride),
          ...rowPtr(pq, qStride, 1),
          ...cacheRow(pk, op.i32(0)),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...blockScores(0, op.i32(0)),
          ...blockScores(1, op.i32(0)),
          ...op.call(fn.scores2),
        ],
        (next, key) => [
          ...rowPtr(pq, qStride, next),
          ...cacheRow(pk, key),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...blockScores(next, key),
          ...op.call(fn.scores),
        ],
      ),
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
      ...eachBlockAndRow(
        [
          ...blockScores(0, op.i32(0)),
          ...blockScores(1, op.i32(0)),
          ...cacheRow(pv, op.i32(0)),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...rowPtr(pout, oStride),
          ...rowPtr(pout, oStride, 1),
          ...op.call(fn.axpy2),
        ],
        (next, key) => [
          ...blockScores(next, key),
          ...cacheRow(pv, key),
          ...op.get(stride),
          ...op.get(n),
          ...op.get(hdB),
          ...rowPtr(pout, oStride, next),
          ...op.call(fn.axpy),
        ],
      ),
    ],
  };
}
