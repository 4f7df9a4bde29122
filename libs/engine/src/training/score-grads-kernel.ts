/**
 * scoreGrads(pp, pds, n, strideBytes, rows, scale): the attention backward's score gradients for `rows` consecutive
 * query rows of one head, in place, bit for bit the JS loop they replace: row r (r = 0, 1, …) holds n + r causal
 * scores; pds + r · strideBytes holds dOut · v for each of them (the engine's `scores`), pp + r · strideBytes the
 * probabilities. With pdp = Σ p · dp (one float64 chain in order), each becomes f32(p · (dp − pdp) · scale) in
 * float64. Four rows go at a time with their chains side by side, so the adds' latency is paid once for four (a single
 * chain waits on it every element), and the gradients four lanes a pass. rows ≥ 1, n ≥ 1.
 */
import { advance, joinPairs, op, promoteHigh, whileAtLeast } from '../wasm-encoding';

export function scoreGradsBody(): { locals: [number, number, number]; body: number[] } {
  const [pp, pds, n, stride, rows, scale] = [0, 1, 2, 3, 4, 5];
  const [i, bytes] = [6, 7];
  const pr = [8, 9, 10, 11];
  const dr = [12, 13, 14, 15];
  const [vp, vd] = [16, 17];
  const acc = [18, 19, 20, 21];
  const f64At = (p: number, offset = 0): number[] => [...op.get(p), ...op.get(i), ...op.add, ...op.f32loadAt(offset), ...op.f64promoteF32];
  /** acc[r] += p · dp at byte i (+ offset) of row r. */
  const term = (r: number, offset = 0): number[] => [
    ...op.get(acc[r]),
    ...f64At(pr[r], offset),
    ...f64At(dr[r], offset),
    ...op.f64mul,
    ...op.f64add,
    ...op.set(acc[r]),
  ];
  /** `body` for i = from, from + step, … while i + step ≤ limit (none when from + step > limit). */
  const stepsUpTo = (from: number[], step: number, limit: number[], body: number[]): number[] => [
    ...from,
    ...op.set(i),
    ...op.block,
    ...op.loop,
    ...[...op.get(i), ...op.i32(step), ...op.add, ...limit, ...op.gtU, ...op.brIf(1)],
    ...body,
    ...advance(i, op.i32(step)),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  /** Row r's gradients over its n + r scores: four lanes a pass, then one at a time. */
  const gradients = (r: number): number[] => {
    const pair = (lanes: (v: number) => number[]): number[] => [
      ...lanes(vp),
      ...lanes(vd),
      ...[...op.get(acc[r]), ...op.f64x2splat, ...op.f64x2sub, ...op.f64x2mul],
      ...[...op.get(scale), ...op.f64x2splat, ...op.f64x2mul, ...op.f32x4demote],
    ];
    const lanes = [
      ...[...op.get(pr[r]), ...op.get(i), ...op.add, ...op.vload, ...op.set(vp)],
      ...[...op.get(dr[r]), ...op.get(i), ...op.add, ...op.vload, ...op.set(vd)],
      ...[...op.get(dr[r]), ...op.get(i), ...op.add],
      ...pair((v) => [...op.get(v), ...op.f64x2promoteLow]),
      ...pair(promoteHigh),
      ...joinPairs,
      ...op.vstore,
    ];
    const one = [
      ...[...op.get(dr[r]), ...op.get(i), ...op.add],
      ...[...f64At(pr[r]), ...f64At(dr[r]), ...op.get(acc[r]), ...op.f64sub, ...op.f64mul],
      ...[...op.get(scale), ...op.f64mul, ...op.f32demoteF64, ...op.f32store(0)],
    ];
    const rowBytes = [...op.get(n), ...op.i32(r), ...op.add, ...op.i32(2), ...op.shl];
    return [
      ...rowBytes,
      ...op.set(bytes),
      ...stepsUpTo(op.i32(0), 16, op.get(bytes), lanes),
      ...stepsUpTo(op.get(i), 4, op.get(bytes), one),
    ];
  };
  const group = (count: number): number[] => {
    const body: number[] = [];
    for (let r = 0; r < count; r++) {
      const at = (p: number): number[] => [...op.get(p), ...op.get(stride), ...op.i32(r), ...op.mul, ...op.add];
      body.push(...at(pp), ...op.set(pr[r]), ...at(pds), ...op.set(dr[r]), ...op.f64const(0), ...op.set(acc[r]));
    }
    const chains: number[] = [];
    for (let r = 0; r < count; r++) chains.push(...term(r));
    body.push(...stepsUpTo(op.i32(0), 4, [...op.get(n), ...op.i32(2), ...op.shl], chains));
    // Row r's last r scores, past the n all rows share (i is n · 4 here).
    for (let r = 1; r < count; r++) for (let j = 0; j < r; j++) body.push(...term(r, 4 * j));
    for (let r = 0; r < count; r++) body.push(...gradients(r));
    const span = [...op.get(stride), ...op.i32(count), ...op.mul];
    body.push(...advance(pp, span), ...advance(pds, span), ...advance(n, op.i32(count)));
    return whileAtLeast(rows, count, [...body, ...advance(rows, op.i32(-count))]);
  };
  return { locals: [10, 2, 4], body: [...group(4), ...group(1)] };
}
