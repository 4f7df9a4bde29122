/**
 * The attention kernels of the wasm module (wasm-kernel.ts assembles it): q·k over one KV-cache block, and the
 * softmax-weighted sum of its V rows. Driven by paged-attention.ts.
 */
import { hsum, op } from './wasm-encoding';

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
