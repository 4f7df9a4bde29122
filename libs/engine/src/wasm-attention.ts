/**
 * The attention kernels of the wasm module (wasm-kernel.ts assembles it): q·k over one KV-cache block, the softmax
 * of a head's scores, and the softmax-weighted sum of a block's V rows. Driven by paged-attention.ts.
 */
import { hsum, op, reduceLanes } from './wasm-encoding';
import { expF32 } from './wasm-exp';

/**
 * scores(pq, pk, stride, count, hdBytes, pout): pout[j] = q · k_j for count keys spaced `stride` bytes apart
 * (one KV-cache block). Locals: d (i32), acc (v128).
 */
export function scoresBody(): { locals: [number, number]; body: number[] } {
  const [pq, pk, stride, count, hdB, pout] = [0, 1, 2, 3, 4, 5];
  const d = 6;
  const acc = 7;
  const body = [
    ...op.loop,
    ...op.vzero,
    ...op.set(acc),
    ...op.i32(0),
    ...op.set(d),
    ...op.loop,
    ...op.get(acc),
    ...op.get(pq),
    ...op.get(d),
    ...op.add,
    ...op.vload,
    ...op.get(pk),
    ...op.get(d),
    ...op.add,
    ...op.vload,
    ...op.vmul,
    ...op.vadd,
    ...op.set(acc),
    ...op.get(d),
    ...op.i32(16),
    ...op.add,
    ...op.set(d),
    ...op.get(d),
    ...op.get(hdB),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.get(pout),
    ...hsum(acc),
    ...op.f32store(0),
    ...op.get(pk),
    ...op.get(stride),
    ...op.add,
    ...op.set(pk),
    ...op.get(pout),
    ...op.i32(4),
    ...op.add,
    ...op.set(pout),
    ...op.get(count),
    ...op.i32(1),
    ...op.sub,
    ...op.set(count),
    ...op.get(count),
    ...op.brIf(0),
    ...op.end,
  ];
  return { locals: [1, 1], body };
}

/** axpy(pw, pv, stride, count, hdBytes, pacc): acc += Σ_j w[j] · v_j over one KV-cache block. Locals: d, wv. */
export function axpyBody(): { locals: [number, number]; body: number[] } {
  const [pw, pv, stride, count, hdB, pacc] = [0, 1, 2, 3, 4, 5];
  const d = 6;
  const wv = 7;
  const body = [
    ...op.loop,
    ...op.get(pw),
    ...op.f32load,
    ...op.splat,
    ...op.set(wv),
    ...op.i32(0),
    ...op.set(d),
    ...op.loop,
    ...op.get(pacc),
    ...op.get(d),
    ...op.add,
    ...op.get(pacc),
    ...op.get(d),
    ...op.add,
    ...op.vload,
    ...op.get(wv),
    ...op.get(pv),
    ...op.get(d),
    ...op.add,
    ...op.vload,
    ...op.vmul,
    ...op.vadd,
    ...op.vstore,
    ...op.get(d),
    ...op.i32(16),
    ...op.add,
    ...op.set(d),
    ...op.get(d),
    ...op.get(hdB),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.get(pv),
    ...op.get(stride),
    ...op.add,
    ...op.set(pv),
    ...op.get(pw),
    ...op.i32(4),
    ...op.add,
    ...op.set(pw),
    ...op.get(count),
    ...op.i32(1),
    ...op.sub,
    ...op.set(count),
    ...op.get(count),
    ...op.brIf(0),
    ...op.end,
  ];
  return { locals: [1, 1], body };
}

/**
 * softmax(pw, len, scale): w[j] = e^((w[j] − max)·scale) / Σ, over len ≥ 1 scores, in f32 four at a time. The
 * scores are padded with −∞ (whose exp is 0) to a multiple of four, so the slots up to the next 16 bytes must be
 * the caller's (an arena allocation always is: it is rounded up to 64 bytes).
 * Locals: p, endPad (i32); m, x, n, keep, sum, sc, mx (v128).
 */
export function softmaxBody(): { locals: [number, number]; body: number[] } {
  const [pw, len, scale] = [0, 1, 2];
  const [p, endPad] = [3, 4];
  const [m, x, n, keep, sum, sc, mx] = [5, 6, 7, 8, 9, 10, 11];
  /** Runs `step` for p = pw, pw + 16, … below endPad. */
  const eachVector = (step: number[]) => [
    ...op.get(pw),
    ...op.set(p),
    ...op.loop,
    ...step,
    ...op.get(p),
    ...op.i32(16),
    ...op.add,
    ...op.tee(p),
    ...op.get(endPad),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
  ];
  return {
    locals: [2, 7],
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
      ...op.f32x4(-Infinity),
      ...op.set(m),
      ...eachVector([...op.get(m), ...op.get(p), ...op.vload, ...op.vmax, ...op.set(m)]),
      ...reduceLanes(m, op.f32max),
      ...op.splat,
      ...op.set(mx),
      // w = e^((w − mx)·scale), summed
      ...op.get(scale),
      ...op.splat,
      ...op.set(sc),
      ...op.vzero,
      ...op.set(sum),
      ...eachVector([
        ...op.get(p),
        ...op.vload,
        ...op.get(mx),
        ...op.vsub,
        ...op.get(sc),
        ...op.vmul,
        ...op.set(x),
        ...expF32(x, n, keep),
        ...op.set(x),
        ...op.get(p),
        ...op.get(x),
        ...op.vstore,
        ...op.get(sum),
        ...op.get(x),
        ...op.vadd,
        ...op.set(sum),
      ]),
      // w /= Σ, as w · (1 / Σ)
      ...op.f32const(1),
      ...hsum(sum),
      ...op.f32div,
      ...op.splat,
      ...op.set(sc),
      ...eachVector([...op.get(p), ...op.get(p), ...op.vload, ...op.get(sc), ...op.vmul, ...op.vstore]),
    ],
  };
}
