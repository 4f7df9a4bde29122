/**
 * The matmul inner blocks as a hand-assembled WebAssembly SIMD module (no toolchain needed at build time).
 * Scalar JS tops out near one multiply-add per cycle; f32x4 lanes give ~4× that, and the 2-row × 4-batch
 * block reuses every loaded weight vector four times, which is where batched decode gets its advantage.
 *
 * Every output element is computed the same way in every block (lane k sums products i ≡ k mod 4 in
 * order, then (l0 + l1) + (l2 + l3)), so results do not depend on batch composition or thread split.
 * Requires inDim to be a multiple of 4 (else the JS kernel). Driven by wasm-matmul.ts, instantiated by wasm-runtime.ts.
 * The module also carries the attention kernels (wasm-attention.ts) and SwiGLU (wasm-swiglu.ts), both with exp from wasm-exp.ts,
 * and the row-wise steps of the forward pass (wasm-rows.ts: residual add, RMSNorm, RoPE).
 */
import { setFlagsFromString } from 'node:v8';
import { attendHeadsRowBody } from './wasm-attend-heads-row';
import { type AttentionKernels, attendRowsBody } from './wasm-attend-rows';
import { axpyBody, scoresBody, softmaxBody } from './wasm-attention';
import { F32, F64, I32, V128, functionCode, hsum, mulAdd, op, section, str, uleb, vec } from './wasm-encoding';
import { wasmApi } from './wasm-runtime';
import { addRowsBody, rmsNormBody, ropeBody } from './wasm-rows';
import { swigluBody } from './wasm-swiglu';

function loadAt(base: number, i: number, dst: number): number[] {
  return [...op.get(base), ...op.get(i), ...op.add, ...op.vload, ...op.set(dst)];
}

/** `rows` weight rows (at pw + r·inBytes) × `cols` x rows (at px + c·inBytes) into out[c][r] at pout + c·outStride + 4r. */
function block(rows: number, cols: number, bf16: boolean, fused: boolean): { params: number; locals: number[]; body: number[] } {
  const [pw, px, pout, inB, outS] = [0, 1, 2, 3, 4];
  let next = 5;
  const i = next++;
  const iw = bf16 ? next++ : i; // bf16 weights advance half as fast as the f32 activations
  const wPtr = Array.from({ length: rows }, (_, r) => (r === 0 ? pw : next++));
  const xPtr = Array.from({ length: cols }, (_, c) => (c === 0 ? px : next++));
  const i32Locals = next - 5;
  const acc = Array.from({ length: rows }, () => Array.from({ length: cols }, () => next++));
  const wv = Array.from({ length: rows }, () => next++);
  const xv = next++;
  const v128Locals = next - 5 - i32Locals;
  const body: number[] = [];
  const wRowBytes = bf16 ? [...op.get(inB), ...op.i32(1), ...op.shrU] : op.get(inB);
  for (let r = 1; r < rows; r++) body.push(...op.get(wPtr[r - 1]), ...wRowBytes, ...op.add, ...op.set(wPtr[r]));
  for (let c = 1; c < cols; c++) body.push(...op.get(xPtr[c - 1]), ...op.get(inB), ...op.add, ...op.set(xPtr[c]));
  body.push(...op.loop);
  for (let r = 0; r < rows; r++) {
    if (bf16) body.push(...op.get(wPtr[r]), ...op.get(iw), ...op.add, ...op.vload16x4, ...op.i32(16), ...op.i32x4shl, ...op.set(wv[r]));
    else body.push(...loadAt(wPtr[r], i, wv[r]));
  }
  for (let c = 0; c < cols; c++) {
    body.push(...loadAt(xPtr[c], i, xv));
    for (let r = 0; r < rows; r++) body.push(...mulAdd(acc[r][c], op.get(wv[r]), op.get(xv), fused));
  }
  body.push(...op.get(i), ...op.i32(16), ...op.add, ...op.set(i));
  if (bf16) body.push(...op.get(iw), ...op.i32(8), ...op.add, ...op.set(iw));
  body.push(...op.get(i), ...op.get(inB), ...op.ltU, ...op.brIf(0), ...op.end);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      // Address pout + c·outStride, constant offset 4r.
      body.push(...op.get(pout));
      for (let k = 0; k < c; k++) body.push(...op.get(outS), ...op.add);
      body.push(...hsum(acc[r][c]), ...op.f32store(4 * r));
    }
  }
  return { params: 5, locals: [i32Locals, v128Locals], body };
}

/**
 * Panel layout (see panel-layout.ts): `panelRows` weight rows stored chunk-interleaved, chunk j of row r at
 * pw + (j·panelRows + r)·16 (f32: 4 weights; bf16: 8 weights packed so that `shl 16` gives the first four and
 * `and 0xffff0000` the last four). The block reads the first `rows` of them against `cols` x rows interleaved
 * the same way (chunk j of x row c at px + (j·cols + c)·16), so every operand is one pointer plus
 * constant offsets: the loop has no address arithmetic, which is what held the row-pointer blocks back.
 * Each output is still summed lane k over i ≡ k mod 4 in order, then (l0 + l1) + (l2 + l3): bit for bit what
 * the row-major blocks compute.
 */
function panelBlock(panelRows: number, rows: number, cols: number, bf16: boolean, fused: boolean): { locals: number[]; body: number[] } {
  const [pw, px, pout, inB, outS] = [0, 1, 2, 3, 4];
  let next = 5;
  const end = next++;
  const i32Locals = next - 5;
  const acc = Array.from({ length: rows }, () => Array.from({ length: cols }, () => next++));
  const wlo = Array.from({ length: rows }, () => next++);
  const whi = bf16 ? Array.from({ length: rows }, () => next++) : [];
  const xv = next++;
  const mask = next++;
  const v128Locals = next - 5 - i32Locals;
  const body: number[] = [...op.get(px)];
  for (let c = 0; c < cols; c++) body.push(...op.get(inB), ...op.add);
  body.push(...op.set(end));
  if (bf16) body.push(...op.highHalves, ...op.set(mask));
  body.push(...op.loop);
  for (let r = 0; r < rows; r++) {
    body.push(...op.get(pw), ...op.vloadAt(16 * r), ...op.set(wlo[r]));
    if (bf16) {
      body.push(...op.get(wlo[r]), ...op.get(mask), ...op.vand, ...op.set(whi[r]));
      body.push(...op.get(wlo[r]), ...op.i32(16), ...op.i32x4shl, ...op.set(wlo[r]));
    }
  }
  const halves = bf16 ? [wlo, whi] : [wlo];
  halves.forEach((wv, h) => {
    for (let c = 0; c < cols; c++) {
      body.push(...op.get(px), ...op.vloadAt(16 * (h * cols + c)), ...op.set(xv));
      for (let r = 0; r < rows; r++) body.push(...mulAdd(acc[r][c], op.get(wv[r]), op.get(xv), fused));
    }
  });
  body.push(...op.get(pw), ...op.i32(16 * panelRows), ...op.add, ...op.set(pw));
  body.push(
    ...op.get(px),
    ...op.i32(16 * cols * halves.length),
    ...op.add,
    ...op.tee(px),
    ...op.get(end),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
  );
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      body.push(...op.get(pout));
      for (let k = 0; k < c; k++) body.push(...op.get(outS), ...op.add);
      body.push(...hsum(acc[r][c]), ...op.f32store(4 * r));
    }
  }
  return { locals: [i32Locals, v128Locals], body };
}

/** A panel of `rows` weight rows against one row-major x row (single-stream decode, leftover batch rows). */
function panelRowBlock(rows: number, bf16: boolean, fused: boolean): { locals: number[]; body: number[] } {
  const [pw, px, pout, inB] = [0, 1, 2, 3];
  let next = 5;
  const end = next++;
  const i32Locals = next - 5;
  const acc = Array.from({ length: rows }, () => next++);
  const wlo = Array.from({ length: rows }, () => next++);
  const whi = bf16 ? Array.from({ length: rows }, () => next++) : [];
  const xv = next++;
  const mask = next++;
  const v128Locals = next - 5 - i32Locals;
  const body: number[] = [...op.get(px), ...op.get(inB), ...op.add, ...op.set(end)];
  if (bf16) body.push(...op.highHalves, ...op.set(mask));
  body.push(...op.loop);
  for (let r = 0; r < rows; r++) {
    body.push(...op.get(pw), ...op.vloadAt(16 * r), ...op.set(wlo[r]));
    if (bf16) {
      body.push(...op.get(wlo[r]), ...op.get(mask), ...op.vand, ...op.set(whi[r]));
      body.push(...op.get(wlo[r]), ...op.i32(16), ...op.i32x4shl, ...op.set(wlo[r]));
    }
  }
  const halves = bf16 ? [wlo, whi] : [wlo];
  halves.forEach((wv, h) => {
    body.push(...op.get(px), ...op.vloadAt(16 * h), ...op.set(xv));
    for (let r = 0; r < rows; r++) body.push(...mulAdd(acc[r], op.get(wv[r]), op.get(xv), fused));
  });
  body.push(...op.get(pw), ...op.i32(16 * rows), ...op.add, ...op.set(pw));
  body.push(...op.get(px), ...op.i32(16 * halves.length), ...op.add, ...op.tee(px), ...op.get(end), ...op.ltU, ...op.brIf(0), ...op.end);
  for (let r = 0; r < rows; r++) body.push(...op.get(pout), ...hsum(acc[r]), ...op.f32store(4 * r));
  return { locals: [i32Locals, v128Locals], body };
}

/**
 * unpack(pw, pdst, inBytes): widens one bf16 panel (PANEL_ROWS rows) into the f32 panel layout at pdst, inBytes
 * being an f32 row's bytes. Batched bf16 products widen each panel once and run the f32 blocks on it for every
 * x quad, instead of widening it again in each quad's block.
 */
function unpackBody(panelRows: number): { locals: number[]; body: number[] } {
  const [pw, pdst, inB] = [0, 1, 2];
  const end = 3;
  const v = 4;
  const mask = 5;
  const body: number[] = [...op.get(pdst)];
  for (let r = 0; r < panelRows; r++) body.push(...op.get(inB), ...op.add);
  body.push(...op.set(end), ...op.highHalves, ...op.set(mask), ...op.loop);
  for (let r = 0; r < panelRows; r++) {
    body.push(...op.get(pw), ...op.vloadAt(16 * r), ...op.set(v));
    body.push(...op.get(pdst), ...op.get(v), ...op.i32(16), ...op.i32x4shl, ...op.vstoreAt(16 * r));
    body.push(...op.get(pdst), ...op.get(v), ...op.get(mask), ...op.vand, ...op.vstoreAt(16 * (panelRows + r)));
  }
  body.push(...op.get(pw), ...op.i32(16 * panelRows), ...op.add, ...op.set(pw));
  body.push(...op.get(pdst), ...op.i32(32 * panelRows), ...op.add, ...op.tee(pdst), ...op.get(end), ...op.ltU, ...op.brIf(0), ...op.end);
  return { locals: [1, 2], body };
}

/**
 * interleave(px, pdst, inBytes, groups): copies `groups` groups of `cols` row-major x rows (inBytes each) into
 * the chunk-interleaved order the panel blocks read: chunk j of row c at pdst + (j·cols + c)·16.
 */
function interleaveBody(cols: number): { locals: number[]; body: number[] } {
  const [px, pdst, inB, groups] = [0, 1, 2, 3];
  let next = 4;
  const src = Array.from({ length: cols }, () => next++);
  const end = next++;
  const body: number[] = [...op.loop];
  for (let c = 0; c < cols; c++) {
    body.push(...op.get(px));
    for (let k = 0; k < c; k++) body.push(...op.get(inB), ...op.add);
    body.push(...op.set(src[c]));
  }
  body.push(...op.get(px), ...op.get(inB), ...op.add, ...op.set(end), ...op.loop);
  for (let c = 0; c < cols; c++) {
    body.push(...op.get(pdst), ...op.get(src[c]), ...op.vload, ...op.vstoreAt(16 * c));
    body.push(...op.get(src[c]), ...op.i32(16), ...op.add, ...op.set(src[c]));
  }
  body.push(...op.get(pdst), ...op.i32(16 * cols), ...op.add, ...op.set(pdst));
  body.push(...op.get(src[0]), ...op.get(end), ...op.ltU, ...op.brIf(0), ...op.end);
  body.push(...op.get(src[cols - 1]), ...op.set(px)); // the next group starts after the last row of this one
  body.push(...op.get(groups), ...op.i32(1), ...op.sub, ...op.tee(groups), ...op.brIf(0), ...op.end);
  return { locals: [next - 4, 0], body };
}

export const WASM_BLOCKS = [
  { name: 'blk24', rows: 2, cols: 4, bf16: false },
  { name: 'blk41', rows: 4, cols: 1, bf16: false },
  { name: 'blk11', rows: 1, cols: 1, bf16: false },
  // Same blocks reading bf16 weights (widened in-register: a bf16 is the top half of an f32).
  { name: 'blk24b', rows: 2, cols: 4, bf16: true },
  { name: 'blk41b', rows: 4, cols: 1, bf16: true },
  { name: 'blk11b', rows: 1, cols: 1, bf16: true },
] as const;

/** Panel geometry shared by the blocks, the driver (as literals: it is shipped as source) and panel-layout.ts. */
export const PANEL_ROWS = 4;
export const PANEL_COLS = 4;

const PANEL_BLOCKS = [
  // Half a panel (2 of its 4 rows) × 4 x rows: 8 accumulators, the shape that measured fastest (a whole panel × 2
  // x rows ran 30 % slower batched, 4 × 4 spills).
  { name: 'pnl24', f: (fused: boolean) => panelBlock(PANEL_ROWS, 2, PANEL_COLS, false, fused) },
  { name: 'pnl24b', f: (fused: boolean) => panelBlock(PANEL_ROWS, 2, PANEL_COLS, true, fused) },
  { name: 'pnl1', f: (fused: boolean) => panelRowBlock(PANEL_ROWS, false, fused) },
  { name: 'pnl1b', f: (fused: boolean) => panelRowBlock(PANEL_ROWS, true, fused) },
] as const;

/**
 * Module importing a shared memory env.mem (pages: its fixed size) and exporting the blocks. `fused`: the matmul
 * blocks and the attention kernels multiply-add with relaxed SIMD (relaxedSimd below says whether this runtime has
 * it); every block and kernel then fuses, so results still do not depend on which block or thread computed them, nor
 * on whether a row's attention went alone, in a pair, in a prompt or in a decode step.
 */
export function buildWasmModuleBytes(pages: number, fused = false): Uint8Array {
  const funcType = [0x60, ...uleb(5), I32, I32, I32, I32, I32, ...uleb(0)];
  const attnType = [0x60, ...uleb(6), I32, I32, I32, I32, I32, I32, ...uleb(0)];
  const interleaveType = [0x60, ...uleb(4), I32, I32, I32, I32, ...uleb(0)];
  const unpackType = [0x60, ...uleb(3), I32, I32, I32, ...uleb(0)];
  const softmaxType = [0x60, ...uleb(3), I32, I32, F32, ...uleb(0)];
  const attendRowsType = [0x60, ...uleb(16), ...new Array<number>(10).fill(I32), F32, ...new Array<number>(5).fill(I32), ...uleb(0)];
  const rmsNormType = [0x60, ...uleb(6), I32, I32, I32, I32, I32, F64, ...uleb(0)];
  const ropeType = [0x60, ...uleb(7), ...new Array<number>(7).fill(I32), ...uleb(0)];
  const pairType = [0x60, ...uleb(8), ...new Array<number>(8).fill(I32), ...uleb(0)];
  const types = section(
    1,
    vec([funcType, attnType, interleaveType, unpackType, softmaxType, attendRowsType, rmsNormType, ropeType, pairType]),
  );
  const memLimits = [0x03, ...uleb(pages), ...uleb(pages)]; // shared, min = max
  const imports = section(2, vec([[...str('env'), ...str('mem'), 0x02, ...memLimits]]));
  // After the row-major blocks, in export order; `type` indexes `types`. The attention walkers call the per-block
  // kernels by function index (`at`). The B kernels read a bf16 KV cache.
  const kernels: { name: string; type: number; f: () => { locals: readonly number[]; body: number[] } }[] = [
    { name: 'scores', type: 1, f: () => scoresBody(false, 1, fused) },
    { name: 'axpy', type: 1, f: () => axpyBody(false, 1, fused) },
    { name: 'softmax', type: 4, f: () => softmaxBody() },
    { name: 'attendRows', type: 5, f: () => attendRowsBody(attention(false)) },
    { name: 'scoresB', type: 1, f: () => scoresBody(true, 1, fused) },
    { name: 'axpyB', type: 1, f: () => axpyBody(true, 1, fused) },
    { name: 'attendRowsB', type: 5, f: () => attendRowsBody(attention(true)) },
    { name: 'attendHeadsRow', type: 5, f: () => attendHeadsRowBody(attention(false), false) },
    { name: 'attendHeadsRowB', type: 5, f: () => attendHeadsRowBody(attention(true), true) },
    { name: 'scores2', type: 8, f: () => scoresBody(false, 2, fused) },
    { name: 'axpy2', type: 8, f: () => axpyBody(false, 2, fused) },
    { name: 'scores2B', type: 8, f: () => scoresBody(true, 2, fused) },
    { name: 'axpy2B', type: 8, f: () => axpyBody(true, 2, fused) },
    ...PANEL_BLOCKS.map((b) => ({ name: b.name, type: 0, f: () => b.f(fused) })),
    { name: 'interleave', type: 2, f: () => interleaveBody(PANEL_COLS) },
    { name: 'unpack', type: 3, f: () => unpackBody(PANEL_ROWS) },
    { name: 'swiglu', type: 2, f: () => swigluBody() },
    { name: 'addRows', type: 3, f: () => addRowsBody() },
    { name: 'rmsNorm', type: 6, f: () => rmsNormBody() },
    { name: 'rope', type: 7, f: () => ropeBody() },
  ];
  const at = (name: string): number => WASM_BLOCKS.length + kernels.findIndex((k) => k.name === name);
  /** The per-block kernels a walker over an f32 or a bf16 KV cache calls. */
  const attention = (bf16: boolean): AttentionKernels => {
    const b = bf16 ? 'B' : '';
    return { scores: at(`scores${b}`), scores2: at(`scores2${b}`), axpy: at(`axpy${b}`), axpy2: at(`axpy2${b}`), softmax: at('softmax') };
  };
  const funcs = section(3, vec([...WASM_BLOCKS.map(() => [0x00]), ...kernels.map((k) => [k.type])]));
  const names = [...WASM_BLOCKS.map((b) => b.name), ...kernels.map((k) => k.name)];
  const exports = section(7, vec(names.map((n, i) => [...str(n), 0x00, ...uleb(i)])));
  const bodies = WASM_BLOCKS.map((b) => {
    const blk = block(b.rows, b.cols, b.bf16, fused);
    return functionCode(blk.locals, blk.body);
  });
  for (const { f } of kernels) {
    const k = f();
    bodies.push(functionCode(k.locals, k.body));
  }
  const code = section(10, vec(bodies));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

/**
 * Turns WebAssembly relaxed SIMD on for this process, so the matmul blocks (and the trainer's gradient blocks) can
 * fuse their multiply-adds: Node 20's V8 has it complete but behind `--experimental-wasm-relaxed-simd` (on by default
 * from V8 11.4). The processes that run them (engine server, training CLI, benchmarks) call it in their entry point,
 * before any module is compiled; the worker threads they start share it, and relaxedSimd() says whether it took.
 */
export function enableRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** Whether this runtime runs WebAssembly relaxed SIMD, which the fused blocks need (see enableRelaxedSimd). */
export function relaxedSimd(): boolean {
  const body = [...uleb(0), ...op.get(0), ...op.get(1), ...op.get(2), ...op.vmadd, ...op.end];
  const probe = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...uleb(3), V128, V128, V128, ...uleb(1), V128]])),
    ...section(3, vec([[0x00]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ];
  return wasmApi?.validate(Uint8Array.from(probe)) ?? false;
}
