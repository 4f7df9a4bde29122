/**
 * AdamW's update (optimizer.ts) as a WebAssembly SIMD kernel of the trainer's module (accumulate-kernel.ts), over
 * the shared memory that holds every trainable's weights, gradient and moments. It does the float64 operations of
 * `applyAdamW`'s JS loop in the same order (the scaled gradient and both moments rounded to f32 where the loop rounds
 * them), two parameters per f64x2, so every weight and moment comes out bit-identical; the double-precision divide
 * and square root that bound the scalar loop run two at a time (460 k parameters: 2.45 → 1.18 ms on one core).
 */
import type { AdamWStep, AdamWTensor } from './optimizer';
import { advance, joinPairs, op, promoteHigh, whileAtLeast } from '../wasm-encoding';

/** Each array starts on a 64-byte line and is padded to it, so a part's last group of four stays inside its tensor. */
export const ADAMW_ALIGN_FLOATS = 16;

/** One step's constants as the kernel takes them, in this order after the four pointers and the count. */
type StepArgs = [
  gradScale: number,
  beta1: number,
  c1: number,
  beta2: number,
  c2: number,
  decay: number,
  stepSize: number,
  invRootBc2: number,
  eps: number,
];

export interface AdamWKernel {
  /** `count` (a multiple of 4) parameters from byte addresses pw, pg, pm, pv; the gradients are left zero. */
  adamw(pw: number, pg: number, pm: number, pv: number, count: number, ...step: StepArgs): void;
  /**
   * Adds the squares of `count` (a multiple of 4) floats from byte address p to four float64 sums at pacc, element
   * i to sum i mod 4: the gradient norm's four chains (gradNorm), in its order.
   */
  sumSquares(p: number, count: number, pacc: number): void;
}

export function adamwBody(): { locals: [number, number]; body: number[] } {
  const [pw, pg, pm, pv, count] = [0, 1, 2, 3, 4];
  const [scale, beta1, c1, beta2, c2, decay, stepSize, invRootBc2, eps] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [g, m, v, w, gi, mf, vf, wLow, mLow, vLow] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const splat = (p: number): number[] => [...op.get(p), ...op.f64x2splat];
  /** Two parameters (lanes 0–1, or 2–3 when `high`): leaves w's new pair demoted on the stack, m's and v's in mf, vf. */
  const pair = (high: boolean): number[] => {
    const lanes = (x: number): number[] => (high ? promoteHigh(x) : [...op.get(x), ...op.f64x2promoteLow]);
    return [
      // gi = f32(g · gradScale)
      ...[...lanes(g), ...splat(scale), ...op.f64x2mul, ...op.f32x4demote, ...op.f64x2promoteLow, ...op.set(gi)],
      // m = β1 · m + (1 − β1) · gi; v = β2 · v + (1 − β2) · gi · gi, each stored (and read below) as f32
      ...[...splat(beta1), ...lanes(m), ...op.f64x2mul, ...splat(c1), ...op.get(gi), ...op.f64x2mul, ...op.f64x2add],
      ...[...op.f32x4demote, ...op.set(mf)],
      ...[...splat(beta2), ...lanes(v), ...op.f64x2mul, ...splat(c2), ...op.get(gi), ...op.f64x2mul, ...op.get(gi), ...op.f64x2mul],
      ...[...op.f64x2add, ...op.f32x4demote, ...op.set(vf)],
      // w · decay − stepSize · m / (√v · invRootBc2 + ε)
      ...[...lanes(w), ...splat(decay), ...op.f64x2mul],
      ...[...splat(stepSize), ...op.get(mf), ...op.f64x2promoteLow, ...op.f64x2mul],
      ...[...op.get(vf), ...op.f64x2promoteLow, ...op.f64x2sqrt, ...splat(invRootBc2), ...op.f64x2mul, ...splat(eps), ...op.f64x2add],
      ...[...op.f64x2div, ...op.f64x2sub, ...op.f32x4demote],
    ];
  };
  const load = (p: number, into: number): number[] => [...op.get(p), ...op.vload, ...op.set(into)];
  const store = (p: number, low: number, high: number[]): number[] => [...op.get(p), ...op.get(low), ...high, ...joinPairs, ...op.vstore];
  const body = whileAtLeast(count, 4, [
    ...[...load(pg, g), ...load(pm, m), ...load(pv, v), ...load(pw, w)],
    ...[...pair(false), ...op.set(wLow), ...op.get(mf), ...op.set(mLow), ...op.get(vf), ...op.set(vLow)],
    ...pair(true),
    ...op.set(w),
    ...[...store(pw, wLow, op.get(w)), ...store(pm, mLow, op.get(mf)), ...store(pv, vLow, op.get(vf))],
    ...[...op.get(pg), ...op.vzero, ...op.vstore],
    ...[pw, pg, pm, pv].flatMap((p) => advance(p, op.i32(16))),
    ...[...op.get(count), ...op.i32(4), ...op.sub, ...op.set(count)],
  ]);
  return { locals: [0, 10], body };
}

export function sumSquaresBody(): { locals: [number, number]; body: number[] } {
  const [p, count, pacc] = [0, 1, 2];
  const [x, low, high] = [3, 4, 5];
  /** acc += lanes² (each product of two f32 is exact in float64, as in the JS loop). */
  const add = (acc: number, lanes: number[]): number[] => [
    ...op.get(acc),
    ...lanes,
    ...lanes,
    ...op.f64x2mul,
    ...op.f64x2add,
    ...op.set(acc),
  ];
  const body = [
    ...[...op.get(pacc), ...op.vloadAt(0), ...op.set(low), ...op.get(pacc), ...op.vloadAt(16), ...op.set(high)],
    ...whileAtLeast(count, 4, [
      ...[...op.get(p), ...op.vload, ...op.set(x)],
      ...add(low, [...op.get(x), ...op.f64x2promoteLow]),
      ...add(high, promoteHigh(x)),
      ...advance(p, op.i32(16)),
      ...[...op.get(count), ...op.i32(4), ...op.sub, ...op.set(count)],
    ]),
    ...[...op.get(pacc), ...op.get(low), ...op.vstoreAt(0), ...op.get(pacc), ...op.get(high), ...op.vstoreAt(16)],
  ];
  return { locals: [0, 3], body };
}

/**
 * Parameters [lo, hi) of a tensor AdamW placed in the kernel's memory (`decay`: the step's factor, or 1 for a tensor
 * that does not decay). A range's last group of four may reach into the tensor's padding, which stays zero.
 */
export function adamWRange(kernel: AdamWKernel, t: Omit<AdamWTensor, 'decay'>, s: AdamWStep, decay: number, lo: number, hi: number): void {
  const count = Math.ceil((hi - lo) / 4) * 4;
  if (count <= 0) return;
  const at = lo * 4;
  const { w, g, m, v } = t;
  const step: StepArgs = [s.gradScale, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, decay, s.stepSize, s.invRootBc2, s.eps];
  kernel.adamw(w.byteOffset + at, g.byteOffset + at, m.byteOffset + at, v.byteOffset + at, count, ...step);
}
