/**
 * The attention kernels of the wasm module (wasm-kernel.ts assembles it): q·k over one KV-cache block, the softmax
 * of a head's scores, and the softmax-weighted sum of a block's V rows. wasm-attend-rows.ts (a prompt's rows) and
 * wasm-attend-heads-row.ts (a decode row) walk a sequence's blocks through them; paged-attention.ts drives both.
 */
import { advance, countUp, hsum, hsum4, mulAdd, op, reduceLanes, whileAtLeast } from './wasm-encoding';
import { expF32 } from './wasm-exp';

/** The loop `d = 0 … hdBytes step 16` around `body` (d, hdB: i32 locals). */
export const overLanes = (d: number, hdB: number, body: number[]): number[] => countUp(d, 16, hdB, body);

/**
 * The same loop with `body(offset)` for the 16 bytes at d + offset: `by` bodies a pass (offsets 0, 16, …) when
 * hdBytes is a multiple of 16·by, else one. The same lanes in the same order either way; unrolled, the loads take
 * their offsets as constants, where each added its own pointer and d.
 */
const overLanesBy = (by: number, d: number, hdB: number, body: (offset: number) => number[]): number[] => [
  ...op.block,
  ...op.block,
  ...op.get(hdB),
  ...op.i32(16 * by - 1),
  ...op.and,
  ...op.brIf(0),
  ...countUp(d, 16 * by, hdB, Array.from({ length: by }, (_, i) => body(16 * i)).flat()),
  ...op.br(1),
  ...op.end,
  ...overLanes(d, hdB, body(0)),
  ...op.end,
];

/** Sets each local of `next` to the one before it (`from` for the first) plus the i32 local `stride`. */
const chain = (from: number, stride: number, next: number[]): number[] =>
  next.flatMap((n, i) => [...op.get(i === 0 ? from : next[i - 1]), ...op.get(stride), ...op.add, ...op.set(n)]);

/** Pushes the v128 at local pointer p + local d + offset. */
const loadAt = (p: number, d: number, offset = 0): number[] => [...op.get(p), ...op.get(d), ...op.add, ...op.vloadAt(offset)];

/**
 * Pushes the four f32 at local pointer p + local d (f32 bytes) of a row stored as bf16: the four bf16 at p + d/2,
 * widened (a bf16 is the top half of an f32, so this is exact).
 */
const loadBf16At = (p: number, d: number, offset = 0): number[] => [
  ...op.get(p),
  ...op.get(d),
  ...op.i32(1),
  ...op.shrU,
  ...op.add,
  ...op.vload16x4At(offset / 2),
  ...op.i32(16),
  ...op.i32x4shl,
];

/** `n` consecutive local indices from `first`. */
const localsFrom = (first: number, n: number): number[] => Array.from({ length: n }, (_, i) => first + i);

/**
 * The local indices of scores and axpy for `rows` rows: their parameters (a row pointer per row, the block's first
 * key or V row, stride, count, hdBytes, an output pointer per row), the i32 locals (d and the block's next three rows),
 * then v128s: four per row, one per row, and one shared.
 */
function blockKernelLocals(rows: 1 | 2) {
  const [block, stride, count, hdB] = localsFrom(rows, 4);
  const [d, ...next] = localsFrom(2 * rows + 4, 4);
  return {
    perRow: localsFrom(0, rows),
    block,
    stride,
    count,
    hdB,
    out: localsFrom(rows + 4, rows),
    d,
    next,
    fours: localsFrom(0, rows).map((r) => localsFrom(2 * rows + 8 + 4 * r, 4)),
    ones: localsFrom(6 * rows + 8, rows),
    shared: 7 * rows + 8,
  };
}

/**
 * scores(pq, pk, stride, count, hdBytes, pout): pout[j] = q · k_j for count keys spaced `stride` bytes apart
 * (one KV-cache block). Four keys at a time, each with its own accumulator: one accumulator's chain of dependent
 * adds held a key's dot product to one vector add per add latency. Each key's sum is taken in the same order either
 * way, so the results are the same bits. Two lane groups a pass: with four, TurboFan loaded all twenty vectors first
 * and spilled accumulators to the stack (a prompt's attention ran 10 % slower); the four sums leave as one vector
 * (hsum4). `bf16`: the keys are stored as bf16 (a bf16 KV cache), widened as they are read, so the results are those
 * of the f32 kernel on the widened keys.
 * `rows` 2 (scores2(pq, pq2, pk, stride, count, hdBytes, pout, pout2)): two queries against the same keys, each key
 * loaded once for both, eight sums in flight, one lane group a pass (two measured 6 % slower than that); every score
 * the bits of the one-query kernel's.
 * `fused`: each product added in one relaxed multiply-add (unrounded, where the CPU has FMA): a prompt's attention
 * 9 % faster in f32 and 24 % in bf16 (one instruction where there were two; the two-row kernels are bound by how
 * many TurboFan's loops issue), decode rows 1–7 %.
 * Locals: d, k1-k3 (i32); four accumulators and a query per row, and the key (v128).
 */
export function scoresBody(bf16 = false, rows: 1 | 2 = 1, fused = false): { locals: [number, number]; body: number[] } {
  const loadKey = bf16 ? loadBf16At : loadAt;
  const { perRow: pq, block: pk, stride, count, hdB, out: pout, d, next, fours: acc, ones: q, shared: key } = blockKernelLocals(rows);
  const [k1, k2, k3] = next;
  const keys = [pk, k1, k2, k3];
  /** acc += q · the key loaded by `keyLoad`, for each row. */
  const addProducts = (accs: number[], keyLoad: number[], qs: number[][]): number[] => [
    ...keyLoad,
    ...op.set(key),
    ...accs.flatMap((a, r) => mulAdd(a, qs[r], op.get(key), fused)),
  ];
  const four = [
    ...chain(pk, stride, [k1, k2, k3]),
    ...acc.flat().flatMap((a) => [...op.vzero, ...op.set(a)]),
    ...overLanesBy(3 - rows, d, hdB, (o) => [
      ...pq.flatMap((p, r) => [...loadAt(p, d, o), ...op.set(q[r])]),
      ...keys.flatMap((k, i) =>
        addProducts(
          acc.map((a) => a[i]),
          loadKey(k, d, o),
          q.map((v) => op.get(v)),
        ),
      ),
    ]),
    ...pout.flatMap((p, r) => [...op.get(p), ...hsum4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]), ...op.vstore]),
    ...chain(k3, stride, [pk]),
    ...pout.flatMap((p) => advance(p, op.i32(16))),
    ...advance(count, op.i32(-4)),
  ];
  const one = [
    ...acc.flatMap((a) => [...op.vzero, ...op.set(a[0])]),
    ...overLanesBy(3 - rows, d, hdB, (o) =>
      addProducts(
        acc.map((a) => a[0]),
        loadKey(pk, d, o),
        pq.map((p) => loadAt(p, d, o)),
      ),
    ),
    ...pout.flatMap((p, r) => [...op.get(p), ...hsum(acc[r][0]), ...op.f32store(0)]),
    ...advance(pk, op.get(stride)),
    ...pout.flatMap((p) => advance(p, op.i32(4))),
    ...advance(count, op.i32(-1)),
  ];
  return { locals: [4, 5 * rows + 1], body: [...whileAtLeast(count, 4, four), ...whileAtLeast(count, 1, one)] };
}

/**
 * axpy(pw, pv, stride, count, hdBytes, pacc): acc += Σ_j w[j] · v_j over one KV-cache block. Four rows at a time:
 * acc is loaded once, the four products added in row order, and stored once (rather than a store and a reload per
 * row, a chain through memory); the same adds in the same order, so the same bits. `bf16`: V rows stored as bf16,
 * widened as they are read (see scoresBody).
 * `rows` 2 (axpy2(pw, pw2, pv, stride, count, hdBytes, pacc, pacc2)): two rows of weights into two accumulators,
 * each V row loaded once for both; each accumulator gets the one-row kernel's adds in its order. `fused`: as in
 * scoresBody.
 * Locals: d, v1-v3 (i32); four weights and an accumulator per row, and the V row (v128).
 */
export function axpyBody(bf16 = false, rows: 1 | 2 = 1, fused = false): { locals: [number, number]; body: number[] } {
  const loadRow = bf16 ? loadBf16At : loadAt;
  const { perRow: pw, block: pv, stride, count, hdB, out: pacc, d, next, fours: w, ones: a, shared: v } = blockKernelLocals(rows);
  const [v1, v2, v3] = next;
  const vRows = [pv, v1, v2, v3];
  /** For each row: acc (at pacc + d + o) += Σ_i w_i · V row i, over the first `n` V rows, stored back. */
  const addRows = (n: number, o: number): number[] => [
    ...pacc.flatMap((p, r) => [...loadAt(p, d, o), ...op.set(a[r])]),
    ...vRows
      .slice(0, n)
      .flatMap((p, i) => [...loadRow(p, d, o), ...op.set(v), ...a.flatMap((ar, r) => mulAdd(ar, op.get(w[r][i]), op.get(v), fused))]),
    ...pacc.flatMap((p, r) => [...op.get(p), ...op.get(d), ...op.add, ...op.get(a[r]), ...op.vstoreAt(o)]),
  ];
  const four = [
    ...chain(pv, stride, [v1, v2, v3]),
    ...w.flatMap((ws, r) => ws.flatMap((wk, i) => [...op.get(pw[r]), ...op.f32loadAt(4 * i), ...op.splat, ...op.set(wk)])),
    ...overLanesBy(4, d, hdB, (o) => addRows(4, o)),
    ...chain(v3, stride, [pv]),
    ...pw.flatMap((p) => advance(p, op.i32(16))),
    ...advance(count, op.i32(-4)),
  ];
  const one = [
    ...w.flatMap((ws, r) => [...op.get(pw[r]), ...op.f32load, ...op.splat, ...op.set(ws[0])]),
    ...overLanesBy(4, d, hdB, (o) => addRows(1, o)),
    ...advance(pv, op.get(stride)),
    ...pw.flatMap((p) => advance(p, op.i32(4))),
    ...advance(count, op.i32(-1)),
  ];
  return { locals: [4, 5 * rows + 1], body: [...whileAtLeast(count, 4, four), ...whileAtLeast(count, 1, one)] };
}

/**
 * softmax(pw, len, scale): w[j] = e^((w[j] − max)·scale) / Σ, over len ≥ 1 scores, in f32 four at a time. The
 * scores are padded with −∞ (whose exp is 0) to a multiple of four, so the slots up to the next 16 bytes must be
 * the caller's (an arena allocation always is: it is rounded up to 64 bytes).
 * The max is taken in four accumulators, four vectors a pass: f32x4.max is eight x64 instructions (its NaN and ±0
 * rules), and one accumulator chained them all, a quarter of a long row's time; a max is exact, so the grouping
 * leaves it unchanged. The exp pass takes four vectors a pass: each exp is a chain of some twenty dependent steps,
 * and four side by side keep the core busy where one left it waiting (two: 11 % slower a score); the sum still adds
 * them in order; the last pass, w · (1 / Σ), four vectors a pass too (one: 7 % slower a score).
 * Locals: p, endPad (i32); sum, sc, mx, then x, n, keep for each of the four exps (v128; the xs are also the max
 * pass's accumulators).
 */
export function softmaxBody(): { locals: [number, number]; body: number[] } {
  const [pw, len, scale] = [0, 1, 2];
  const [p, endPad] = [3, 4];
  const [sum, sc, mx] = [5, 6, 7];
  /** x, n, keep (expF32's locals) for each of the exp pass's four vectors. */
  const lanes = [0, 1, 2, 3].map((i) => [8 + 3 * i, 9 + 3 * i, 10 + 3 * i]);
  const maxes = lanes.map(([x]) => x);
  const m = maxes[0];
  /** While `span` bytes from p lie below endPad: `body`, then p += span. */
  const whileRoom = (span: number, body: number[]): number[] => [
    ...op.block,
    ...op.loop,
    ...op.get(endPad),
    ...op.get(p),
    ...op.sub,
    ...op.i32(span),
    ...op.ltU,
    ...op.brIf(1),
    ...body,
    ...advance(p, op.i32(span)),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  /** From p = pw: `step(span)` while span bytes remain, then `step(16)` for each vector left. */
  const fromStart = (span: number, step: (span: number) => number[]): number[] => [
    ...op.get(pw),
    ...op.set(p),
    ...whileRoom(span, step(span)),
    ...(span > 16 ? whileRoom(16, step(16)) : []),
  ];
  /** m_i = max(m_i, the vector at p + 16i) for each of the span / 16 vectors. */
  const maxInto = (span: number): number[] =>
    maxes.slice(0, span / 16).flatMap((a, i) => [...op.get(a), ...op.get(p), ...op.vloadAt(16 * i), ...op.vmax, ...op.set(a)]);
  /** The vectors at p + 16i replaced by e^((w − mx)·scale) and added to sum in order, i < span / 16. */
  const expInto = (span: number): number[] => {
    const pass = lanes.slice(0, span / 16);
    return [
      ...pass.flatMap(([v], i) => [
        ...op.get(p),
        ...op.vloadAt(16 * i),
        ...op.get(mx),
        ...op.vsub,
        ...op.get(sc),
        ...op.vmul,
        ...op.set(v),
      ]),
      ...pass.flatMap(([v, nv, kv]) => [...expF32(v, nv, kv), ...op.set(v)]),
      ...pass.flatMap(([v], i) => [...op.get(p), ...op.get(v), ...op.vstoreAt(16 * i)]),
      ...pass.flatMap(([v]) => [...op.get(sum), ...op.get(v), ...op.vadd, ...op.set(sum)]),
    ];
  };
  /** The vectors at p + 16i times sc, i < span / 16. */
  const scaleInto = (span: number): number[] =>
    Array.from({ length: span / 16 }, (_, i) => [
      ...op.get(p),
      ...op.get(p),
      ...op.vloadAt(16 * i),
      ...op.get(sc),
      ...op.vmul,
      ...op.vstoreAt(16 * i),
    ]).flat();
  return {
    locals: [2, 15],
    body: [
      // endPad = pw + 4·round4(len); −∞ into the slots from len to there
      ...op.get(len),
      ...op.i32(3),
      ...op.add,
      ...op.i32(-4),
      ...op.and,
      ...op.i32(2),
      ...op.shl,
      ...op.get(pw),
      ...op.add,
      ...op.set(endPad),
      ...op.get(len),
      ...op.i32(2),
      ...op.shl,
      ...op.get(pw),
      ...op.add,
      ...op.set(p),
      ...op.block,
      ...op.loop,
      ...op.get(p),
      ...op.get(endPad),
      ...op.geU,
      ...op.brIf(1),
      ...op.get(p),
      ...op.f32const(-Infinity),
      ...op.f32store(0),
      ...op.get(p),
      ...op.i32(4),
      ...op.add,
      ...op.set(p),
      ...op.br(0),
      ...op.end,
      ...op.end,
      // mx = max over the scores, in every lane
      ...maxes.flatMap((a) => [...op.f32x4(-Infinity), ...op.set(a)]),
      ...fromStart(64, maxInto),
      ...op.get(maxes[0]),
      ...op.get(maxes[1]),
      ...op.vmax,
      ...op.get(maxes[2]),
      ...op.get(maxes[3]),
      ...op.vmax,
      ...op.vmax,
      ...op.set(m),
      ...reduceLanes(m, op.f32max),
      ...op.splat,
      ...op.set(mx),
      // w = e^((w − mx)·scale), summed
      ...op.get(scale),
      ...op.splat,
      ...op.set(sc),
      ...op.vzero,
      ...op.set(sum),
      ...fromStart(64, expInto),
      // w /= Σ, as w · (1 / Σ)
      ...op.f32const(1),
      ...hsum(sum),
      ...op.f32div,
      ...op.splat,
      ...op.set(sc),
      ...fromStart(64, scaleInto),
    ],
  };
}
