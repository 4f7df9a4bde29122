/**
 * The backward's matmuls as one WebAssembly SIMD kernel: C[m, j] += Σ_k A[m·am + k·ak] · B[k·bk + j].
 * With A = dY it gives both gradients without transposing anything: the input gradient dX = dY·W (k runs over
 * the output features, am = out, ak = 1) and the weight gradient dW += dYᵀ·X (k runs over the tokens, am = 1,
 * ak = out). The forward uses the inference engine's kernel (`../wasm-kernel.ts`) on the same memory.
 *
 * Each output element is one f32 running sum started from C's value and taken over k in order, whatever the
 * block it falls in. So gradients summed over two calls of two sequences each are bit-identical to one call over
 * the four: gradient accumulation equals one large batch exactly, as it did with the per-sequence trainer.
 */
import { wasmApi, type WasmMemory, type WasmModule } from '../wasm-runtime';
import { F64, I32, functionCode, mulAdd, op, section, str, uleb, vec } from '../wasm-encoding';
import { rmsNormBody } from '../wasm-rows';
import { swigluBackwardBody, swigluBody } from '../wasm-swiglu';
import { rmsNormBackwardBody } from './rms-norm-backward-kernel';
import { adamwBody, sumSquaresBody, type AdamWKernel } from './adamw-kernel';
import { flushOneBody, flushPairBody } from './flush-kernel';
import { scoreGradsBody } from './score-grads-kernel';

interface FunctionBody {
  /** Counts of i32, v128 and (when given) f64 locals after the parameters. */
  locals: readonly number[];
  body: number[];
}

/**
 * Params: pa, pb, pc (byte addresses), am, ak, bk, cs (byte strides), k (count ≥ 1). R rows of C × C·4 columns.
 * `fused`: each multiply-add in one relaxed SIMD instruction, as the engine's matmul blocks do in the same arena.
 */
function accumulateBlock(rows: number, chunks: number, fused: boolean): FunctionBody {
  const [pa, pb, pc, am, ak, bk, cs, k] = [0, 1, 2, 3, 4, 5, 6, 7];
  let next = 8;
  const a = Array.from({ length: rows }, (_, r) => (r === 0 ? pa : next++));
  const cp = next++;
  const nI32 = next - 8;
  const acc = Array.from({ length: rows }, () => Array.from({ length: chunks }, () => next++));
  const b = Array.from({ length: chunks }, () => next++);
  const s = next++;
  const nV128 = next - 8 - nI32;
  const body: number[] = [];
  for (let r = 1; r < rows; r++) body.push(...op.get(a[r - 1]), ...op.get(am), ...op.add, ...op.set(a[r]));
  body.push(...op.get(pc), ...op.set(cp));
  for (let r = 0; r < rows; r++) {
    if (r > 0) body.push(...op.get(cp), ...op.get(cs), ...op.add, ...op.set(cp));
    for (let c = 0; c < chunks; c++) body.push(...op.get(cp), ...op.vloadAt(16 * c), ...op.set(acc[r][c]));
  }
  body.push(...op.loop);
  for (let c = 0; c < chunks; c++) body.push(...op.get(pb), ...op.vloadAt(16 * c), ...op.set(b[c]));
  for (let r = 0; r < rows; r++) {
    body.push(...op.get(a[r]), ...op.f32load, ...op.splat, ...op.set(s));
    for (let c = 0; c < chunks; c++) body.push(...mulAdd(acc[r][c], op.get(s), op.get(b[c]), fused));
  }
  for (let r = 0; r < rows; r++) body.push(...op.get(a[r]), ...op.get(ak), ...op.add, ...op.set(a[r]));
  body.push(...op.get(pb), ...op.get(bk), ...op.add, ...op.set(pb));
  body.push(...op.get(k), ...op.i32(1), ...op.sub, ...op.set(k), ...op.get(k), ...op.brIf(0), ...op.end);
  body.push(...op.get(pc), ...op.set(cp));
  for (let r = 0; r < rows; r++) {
    if (r > 0) body.push(...op.get(cp), ...op.get(cs), ...op.add, ...op.set(cp));
    for (let c = 0; c < chunks; c++) body.push(...op.get(cp), ...op.get(acc[r][c]), ...op.vstoreAt(16 * c));
  }
  return { locals: [nI32, nV128], body };
}

const code = ({ locals, body }: FunctionBody): number[] => functionCode(locals, body);

const BLOCKS = [
  { name: 'acc42', rows: 4, chunks: 2 },
  { name: 'acc41', rows: 4, chunks: 1 },
  { name: 'acc12', rows: 1, chunks: 2 },
  { name: 'acc11', rows: 1, chunks: 1 },
] as const;

/**
 * A module importing env.mem (shared, `pages` fixed like the engine's arena) and exporting the blocks and the row
 * kernels of the batched pass: swigluSig, SwiGLU's forward keeping σ(gate) for the backward, and swigluBackward
 * (../wasm-swiglu.ts); rmsNorm, the trainer's RMSNorm (../wasm-rows.ts), and rmsNormBackward; attention's
 * score gradients (scoreGrads); the gradient flush's adds (flushPair, flushOne: flush-kernel.ts); and AdamW's update
 * and the gradient norm's sums (adamw, sumSquares: adamw-kernel.ts).
 */
export function buildAccumulateModuleBytes(pages: number, fused = false): Uint8Array {
  const i32s = (n: number, last: number[] = []): number[] => [0x60, n + last.length, ...new Array<number>(n).fill(I32), ...last, 0];
  const types = [
    i32s(8),
    i32s(5),
    i32s(6),
    i32s(6, [F64]),
    i32s(9),
    i32s(5, [F64]),
    i32s(4),
    i32s(3),
    i32s(5, new Array<number>(9).fill(F64)),
  ];
  const type = section(1, vec(types));
  const imports = section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x03, ...uleb(pages), ...uleb(pages)]);
  const kernels = [
    { name: 'swigluSig', type: 1, f: swigluBody(true) },
    { name: 'swigluBackward', type: 2, f: swigluBackwardBody() },
    { name: 'rmsNorm', type: 3, f: rmsNormBody(true) },
    { name: 'rmsNormBackward', type: 4, f: rmsNormBackwardBody() },
    { name: 'scoreGrads', type: 5, f: scoreGradsBody() },
    { name: 'flushPair', type: 6, f: flushPairBody() },
    { name: 'flushOne', type: 7, f: flushOneBody() },
    { name: 'adamw', type: 8, f: adamwBody() },
    { name: 'sumSquares', type: 7, f: sumSquaresBody() },
  ];
  const n = BLOCKS.length + kernels.length;
  const funcs = section(3, [n, ...BLOCKS.map(() => 0), ...kernels.map((k) => k.type)]);
  const names = [...BLOCKS.map((b) => b.name), ...kernels.map((k) => k.name)];
  const exports = section(7, [n, ...names.flatMap((name, i) => [...str(name), 0x00, i])]);
  const bodies = [...BLOCKS.flatMap((b) => code(accumulateBlock(b.rows, b.chunks, fused))), ...kernels.flatMap((k) => code(k.f))];
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  return Uint8Array.from([...magic, ...type, ...imports, ...funcs, ...exports, ...section(10, [n, ...bodies])]);
}

type Block = (pa: number, pb: number, pc: number, am: number, ak: number, bk: number, cs: number, k: number) => void;
export interface AccumulateBlocks extends AdamWKernel {
  acc42: Block;
  acc41: Block;
  acc12: Block;
  acc11: Block;
  swigluSig(pgu: number, pdst: number, psig: number, rows: number, interBytes: number): void;
  swigluBackward(pgu: number, psig: number, pda: number, pdgu: number, rows: number, interBytes: number): void;
  rmsNorm(psrc: number, pdst: number, pweight: number, pinv: number, rows: number, dimBytes: number, eps: number): void;
  rmsNormBackward(
    px: number,
    pw: number,
    pinv: number,
    pdy: number,
    pdx: number,
    pdw: number,
    rows: number,
    dimBytes: number,
    withDw: number,
  ): void;
  scoreGrads(pp: number, pds: number, n: number, strideBytes: number, rows: number, scale: number): void;
  flushPair(pdst: number, pa: number, pb: number, count: number): void;
  flushOne(pdst: number, pa: number, count: number): void;
}

/** `fused`: the arena's choice (Arena.fused), so the forward's and the backward's blocks round alike. */
export function compileAccumulateModule(pages: number, fused: boolean): WasmModule | undefined {
  if (!wasmApi) return undefined;
  try {
    return new wasmApi.Module(buildAccumulateModuleBytes(pages, fused));
  } catch {
    return undefined; // no SIMD here: the JS path below
  }
}

export function instantiateAccumulate(module: WasmModule, memory: WasmMemory): AccumulateBlocks {
  if (!wasmApi) throw new Error('WebAssembly is not available');
  return new wasmApi.Instance(module, { env: { mem: memory } }).exports as AccumulateBlocks;
}

/**
 * C[m, j] += Σ_k A[aOff + m·am + k·ak] · B[bOff + k·bk + j] over m < M, j < J, k < K, all offsets and strides in
 * floats within `heap` (the wasm memory's view). Columns past the last multiple of 4, and everything when `ex` is
 * absent, run in JS, rounding every product and every sum to f32 (the blocks do the same, or round each
 * multiply-add once where they are fused); a given column always takes the same path, so results stay repeatable.
 */
export function accumulate(
  ex: AccumulateBlocks | undefined,
  heap: Float32Array,
  aOff: number,
  am: number,
  ak: number,
  bOff: number,
  bk: number,
  cOff: number,
  cs: number,
  M: number,
  J: number,
  K: number,
): void {
  if (K <= 0 || M <= 0 || J <= 0) return;
  let jDone = 0;
  if (ex) {
    const [amB, akB, bkB, csB] = [am * 4, ak * 4, bk * 4, cs * 4];
    const j8 = J & ~7;
    const j4 = J & ~3;
    let m = 0;
    for (; m + 3 < M; m += 4) {
      const pa = (aOff + m * am) * 4;
      const pc = (cOff + m * cs) * 4;
      for (let j = 0; j < j8; j += 8) ex.acc42(pa, (bOff + j) * 4, pc + j * 4, amB, akB, bkB, csB, K);
      if (j4 > j8) ex.acc41(pa, (bOff + j8) * 4, pc + j8 * 4, amB, akB, bkB, csB, K);
    }
    for (; m < M; m++) {
      const pa = (aOff + m * am) * 4;
      const pc = (cOff + m * cs) * 4;
      for (let j = 0; j < j8; j += 8) ex.acc12(pa, (bOff + j) * 4, pc + j * 4, amB, akB, bkB, csB, K);
      if (j4 > j8) ex.acc11(pa, (bOff + j8) * 4, pc + j8 * 4, amB, akB, bkB, csB, K);
    }
    jDone = j4;
  }
  if (jDone === J) return;
  for (let m = 0; m < M; m++) {
    const a0 = aOff + m * am;
    const c0 = cOff + m * cs;
    for (let j = jDone; j < J; j++) {
      let acc = heap[c0 + j];
      for (let k = 0; k < K; k++) acc = Math.fround(acc + Math.fround(heap[a0 + k * ak] * heap[bOff + k * bk + j]));
      heap[c0 + j] = acc;
    }
  }
}
