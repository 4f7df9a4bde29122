/**
 * The forward pass's row-wise steps as module kernels, bit for bit the JS ones (kernels.ts, RowSteps' residual add):
 * a JS loop over f32 elements took about 1.5 ns an element on the machines measured, these a quarter of that or less.
 * They keep the JS arithmetic exactly: float64 where it computes in float64, in the same order, and every rounding to
 * f32 is the one a Float32Array store makes (to nearest, ties to even).
 *
 * - addRows(pdst, psrc, bytes): dst += src in f32 lanes; bytes a positive multiple of 16.
 * - rmsNorm(psrc, pdst, pweight, rows, dimBytes, eps): rmsNormRows. Σ x² is one float64 chain per row in element
 *   order, as the JS loop sums it; four rows' chains run side by side, so the adds' latency is paid once for four.
 *   Then dst = f32(x · scale) · weight: the product in float64 lanes rounded once to f32, then an f32 multiply (exact
 *   in float64, so the same single rounding as JS). rows ≥ 1; dimBytes a positive multiple of 16.
 * - rope(pv, stride, pcos, psin, rows, heads, hdBytes): ropeInPlace on `heads` heads of `rows` rows, row r at
 *   pv + r · stride with its half-head of float64 cos and sin at pcos / psin + r · hdBytes. rows, heads ≥ 1; hdBytes
 *   a positive multiple of 32.
 */
import { advance, countUp, joinPairs, op, promoteHigh, whileAtLeast } from './wasm-encoding';
/** i32 locals p + i (+ r · stride) on the stack. */
const at = (p: number, i: number, stride = -1, r = 0): number[] => [
  ...op.get(p),
  ...op.get(i),
  ...op.add,
  ...(r > 0 ? [...op.get(stride), ...op.i32(r), ...op.mul, ...op.add] : []),
];

export function addRowsBody(): { locals: [number, number]; body: number[] } {
  const [pd, ps, n] = [0, 1, 2];
  const i = 3;
  const sum = [...at(pd, i), ...at(pd, i), ...op.vload, ...at(ps, i), ...op.vload, ...op.vadd, ...op.vstore];
  return { locals: [1, 0], body: countUp(i, 16, n, sum) };
}

/**
 * `trainer`: the trainer's RMSNorm instead (batched-pass.ts): rmsNorm(psrc, pdst, pweight, pinv, rows, dimBytes, eps)
 * also stores each row's scale rounded to f32 at pinv (4 bytes a row), and dst = x · scale · weight in float64,
 * rounded once.
 */
export function rmsNormBody(trainer = false): { locals: [number, number, number]; body: number[] } {
  const [ps, pd, pw] = [0, 1, 2];
  const pinv = trainer ? 3 : -1;
  const [rows, dimB, eps] = trainer ? [4, 5, 6] : [3, 4, 5];
  const [i, q] = [eps + 1, eps + 2];
  const v = eps + 3;
  const ss = [eps + 4, eps + 5, eps + 6, eps + 7];
  const [scale, dim] = [eps + 8, eps + 9];
  /** ss[r] = Σ x² over row r of the group, r < k, one float64 chain each in element order: ss + x · x. */
  const sumSquares = (k: number): number[] => {
    const body: number[] = [];
    for (let r = 0; r < k; r++) body.push(...op.f64const(0), ...op.set(ss[r]));
    const pass: number[] = [...at(ps, i), ...op.set(q)];
    for (let r = 0; r < k; r++) {
      const x = [...op.get(q), ...op.f32load, ...op.f64promoteF32];
      pass.push(...op.get(ss[r]), ...x, ...x, ...op.f64mul, ...op.f64add, ...op.set(ss[r]));
      if (r + 1 < k) pass.push(...advance(q, op.get(dimB)));
    }
    return [...body, ...countUp(i, 4, dimB, pass)];
  };
  /**
   * Row r of the group: scale = 1 / √(ss[r] / dim + eps), then four lanes a pass: dst = f32(x · scale) · weight, or
   * for the trainer f32(x · scale · weight).
   */
  const scaleRow = (r: number): number[] => {
    const scaled = (pair: number[], weight: number[]): number[] => [
      ...pair,
      ...op.get(scale),
      ...op.f64x2splat,
      ...op.f64x2mul,
      ...(trainer ? [...weight, ...op.f64x2mul] : []),
      ...op.f32x4demote,
    ];
    const lane = trainer
      ? [
          ...at(pd, i, dimB, r),
          ...[...at(ps, i, dimB, r), ...op.vload, ...op.set(v)],
          ...scaled([...op.get(v), ...op.f64x2promoteLow], [...at(pw, i), ...op.vload, ...op.f64x2promoteLow]),
          ...scaled(promoteHigh(v), [...at(pw, i), ...op.vload, ...op.set(v), ...promoteHigh(v)]),
          ...joinPairs,
          ...op.vstore,
        ]
      : [
          ...at(pd, i, dimB, r),
          ...[...at(ps, i, dimB, r), ...op.vload, ...op.set(v)],
          ...scaled([...op.get(v), ...op.f64x2promoteLow], []),
          ...scaled(promoteHigh(v), []),
          ...joinPairs,
          ...at(pw, i),
          ...op.vload,
          ...op.vmul,
          ...op.vstore,
        ];
    const keep = trainer ? [...op.get(pinv), ...op.get(scale), ...op.f32demoteF64, ...op.f32store(4 * r)] : [];
    return [
      ...[...op.f64const(1), ...op.get(ss[r]), ...op.get(dim), ...op.f64div, ...op.get(eps), ...op.f64add, ...op.f64sqrt, ...op.f64div],
      ...op.set(scale),
      ...keep,
      ...countUp(i, 16, dimB, lane),
    ];
  };
  const group = (k: number): number[] => {
    const body = sumSquares(k);
    for (let r = 0; r < k; r++) body.push(...scaleRow(r));
    const span = [...op.get(dimB), ...op.i32(k), ...op.mul];
    const next = [...advance(ps, span), ...advance(pd, span), ...(trainer ? advance(pinv, op.i32(4 * k)) : [])];
    return whileAtLeast(rows, k, [...body, ...next, ...advance(rows, op.i32(-k))]);
  };
  return {
    locals: [2, 1, 6],
    body: [...op.get(dimB), ...op.i32(2), ...op.shrU, ...op.f64fromU32, ...op.set(dim), ...group(4), ...group(1)],
  };
}

export function ropeBody(): { locals: [number, number]; body: number[] } {
  const [pv, stride, pcos, psin, rows, heads, hdB] = [0, 1, 2, 3, 4, 5, 6];
  const [h, i, halfB, hEnd, c0] = [7, 8, 9, 10, 11];
  const [alo, ahi, blo, bhi, cos0, cos1, sin0, sin1] = [12, 13, 14, 15, 16, 17, 18, 19];
  /** The float64 pair at p + 2i (+ 16): cos or sin j, j + 1 for the f32 lanes at byte i. */
  const pair = (p: number, hi: boolean): number[] => [
    ...op.get(p),
    ...op.get(i),
    ...op.i32(1),
    ...op.shl,
    ...op.add,
    ...op.vloadAt(hi ? 16 : 0),
  ];
  /** f32(x · c ∓ y · s) for one pair of lanes, as JS computes a · c − b · s and b · c + a · s. */
  const rotate = (x: number, c: number, y: number, s: number, combine: number[]): number[] => [
    ...op.get(x),
    ...op.get(c),
    ...op.f64x2mul,
    ...op.get(y),
    ...op.get(s),
    ...op.f64x2mul,
    ...combine,
    ...op.f32x4demote,
  ];
  const lanes = [
    ...[...op.get(h), ...op.get(i), ...op.add, ...op.set(c0)],
    ...[...op.get(c0), ...op.vload, ...op.tee(ahi), ...op.f64x2promoteLow, ...op.set(alo), ...promoteHigh(ahi), ...op.set(ahi)],
    ...[...op.get(c0), ...op.get(halfB), ...op.add, ...op.vload, ...op.tee(bhi), ...op.f64x2promoteLow, ...op.set(blo)],
    ...[...promoteHigh(bhi), ...op.set(bhi)],
    ...[...pair(pcos, false), ...op.set(cos0), ...pair(pcos, true), ...op.set(cos1)],
    ...[...pair(psin, false), ...op.set(sin0), ...pair(psin, true), ...op.set(sin1)],
    ...op.get(c0),
    ...rotate(alo, cos0, blo, sin0, op.f64x2sub),
    ...rotate(ahi, cos1, bhi, sin1, op.f64x2sub),
    ...joinPairs,
    ...op.vstore,
    ...[...op.get(c0), ...op.get(halfB), ...op.add],
    ...rotate(blo, cos0, alo, sin0, op.f64x2add),
    ...rotate(bhi, cos1, ahi, sin1, op.f64x2add),
    ...joinPairs,
    ...op.vstore,
  ];
  const row = [
    ...[...op.get(pv), ...op.tee(h), ...op.get(heads), ...op.get(hdB), ...op.mul, ...op.add, ...op.set(hEnd)],
    ...op.loop,
    ...countUp(i, 16, halfB, lanes),
    ...advance(h, op.get(hdB)),
    ...[...op.get(h), ...op.get(hEnd), ...op.ltU, ...op.brIf(0), ...op.end],
    ...advance(pv, op.get(stride)),
    ...advance(pcos, op.get(hdB)),
    ...advance(psin, op.get(hdB)),
    ...advance(rows, op.i32(-1)),
  ];
  return {
    locals: [5, 8],
    body: [...op.get(hdB), ...op.i32(1), ...op.shrU, ...op.set(halfB), ...whileAtLeast(rows, 1, row)],
  };
}
