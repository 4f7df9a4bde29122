/**
 * rmsNormBackward(px, pw, pinv, pdy, pdx, pdw, rows, dimBytes, withDw): the trainer's RMSNorm backward
 * (`layers.ts` rmsNormBackward) as a kernel of its module, bit for bit the JS loop: for each row, dot = Σ (w · dy) · x
 * as one float64 chain in element order, dw += dy · x · inv (when withDw ≠ 0; f32 accumulators, rows in order), then
 * dx += inv · w · dy − x · (inv³ · dot / dim) in float64 lanes rounded once to f32. Rows go four at a time, their dot
 * chains side by side, so the adds' latency is paid once for four (the JS loop waits on it every element).
 * rows ≥ 1; dimBytes a positive multiple of 16; inv holds one f32 per row.
 */
import { advance, countUp, joinPairs, op, promoteHigh, whileAtLeast } from '../wasm-encoding';

export function rmsNormBackwardBody(): { locals: [number, number, number]; body: number[] } {
  const [px, pw, pinv, pdy, pdx, pdw, rows, dimB, withDw] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [i, qx, qdy] = [9, 10, 11];
  const [vdx, vw, vdy, vx] = [12, 13, 14, 15];
  const dot = [16, 17, 18, 19];
  const inv = [20, 21, 22, 23];
  const [k, dim, wv, dyv, xv] = [24, 25, 26, 27, 28];
  const f64At = (p: number): number[] => [...op.get(p), ...op.f32load, ...op.f64promoteF32];
  const plusI = (p: number): number[] => [...op.get(p), ...op.get(i), ...op.add];

  /** The pass over the elements i of the group's `count` rows: the dot chains, and dw[i] when `dw`. */
  const elements = (count: number, dw: boolean): number[] => {
    const body = [
      ...plusI(px),
      ...op.set(qx),
      ...plusI(pdy),
      ...op.set(qdy),
      ...plusI(pw),
      ...op.f32load,
      ...op.f64promoteF32,
      ...op.set(wv),
    ];
    for (let r = 0; r < count; r++) {
      body.push(...f64At(qdy), ...op.set(dyv), ...f64At(qx), ...op.set(xv));
      body.push(
        ...op.get(dot[r]),
        ...op.get(wv),
        ...op.get(dyv),
        ...op.f64mul,
        ...op.get(xv),
        ...op.f64mul,
        ...op.f64add,
        ...op.set(dot[r]),
      );
      if (dw) {
        body.push(...plusI(pdw), ...plusI(pdw), ...op.f32load, ...op.f64promoteF32);
        body.push(
          ...op.get(dyv),
          ...op.get(xv),
          ...op.f64mul,
          ...op.get(inv[r]),
          ...op.f64mul,
          ...op.f64add,
          ...op.f32demoteF64,
          ...op.f32store(0),
        );
      }
      if (r + 1 < count) body.push(...advance(qx, op.get(dimB)), ...advance(qdy, op.get(dimB)));
    }
    return countUp(i, 4, dimB, body);
  };

  /** dx's four lanes at i of row r: lanes 0–1 or 2–3 (`hi`) of dx + ((inv · w) · dy − x · k), demoted. */
  const pair = (r: number, hi: boolean): number[] => {
    const widen = (v: number): number[] => (hi ? promoteHigh(v) : [...op.get(v), ...op.f64x2promoteLow]);
    const splat = (f: number): number[] => [...op.get(f), ...op.f64x2splat];
    return [
      ...widen(vdx),
      ...[...splat(inv[r]), ...widen(vw), ...op.f64x2mul, ...widen(vdy), ...op.f64x2mul],
      ...[...widen(vx), ...splat(k), ...op.f64x2mul, ...op.f64x2sub],
      ...op.f64x2add,
      ...op.f32x4demote,
    ];
  };
  const dxRow = (r: number): number[] => {
    const row = (p: number): number[] => [...plusI(p), ...op.get(dimB), ...op.i32(r), ...op.mul, ...op.add];
    const lanes = [
      ...[...row(pdx), ...op.vload, ...op.set(vdx), ...plusI(pw), ...op.vload, ...op.set(vw)],
      ...[...row(pdy), ...op.vload, ...op.set(vdy), ...row(px), ...op.vload, ...op.set(vx)],
      ...row(pdx),
      ...pair(r, false),
      ...pair(r, true),
      ...joinPairs,
      ...op.vstore,
    ];
    const cube = [...op.get(inv[r]), ...op.get(inv[r]), ...op.f64mul, ...op.get(inv[r]), ...op.f64mul];
    return [...cube, ...op.get(dot[r]), ...op.f64mul, ...op.get(dim), ...op.f64div, ...op.set(k), ...countUp(i, 16, dimB, lanes)];
  };

  const group = (count: number): number[] => {
    const body: number[] = [];
    for (let r = 0; r < count; r++) {
      body.push(...op.f64const(0), ...op.set(dot[r]));
      body.push(...op.get(pinv), ...op.f32loadAt(4 * r), ...op.f64promoteF32, ...op.set(inv[r]));
    }
    // withDw ≠ 0 skips the first loop for the second.
    body.push(...op.block, ...op.block, ...op.get(withDw), ...op.brIf(0), ...elements(count, false), ...op.br(1), ...op.end);
    body.push(...elements(count, true), ...op.end);
    for (let r = 0; r < count; r++) body.push(...dxRow(r));
    const span = [...op.get(dimB), ...op.i32(count), ...op.mul];
    body.push(...advance(px, span), ...advance(pdy, span), ...advance(pdx, span), ...advance(pinv, op.i32(4 * count)));
    return whileAtLeast(rows, count, [...body, ...advance(rows, op.i32(-count))]);
  };
  return {
    locals: [3, 4, 13],
    body: [...op.get(dimB), ...op.i32(2), ...op.shrU, ...op.f64fromU32, ...op.set(dim), ...group(4), ...group(1)],
  };
}
