/**
 * The matmul inner blocks as a hand-assembled WebAssembly SIMD module (no toolchain needed at build time).
 * Scalar JS tops out near one multiply-add per cycle; f32x4 lanes give ~4× that, and the 2-row × 4-batch
 * block reuses every loaded weight vector four times, which is where batched decode gets its advantage.
 *
 * Every output element is computed the same way in every block (lane k sums products i ≡ k mod 4 in
 * order, then (l0 + l1) + (l2 + l3)), so results do not depend on batch composition or thread split.
 * Requires inDim to be a multiple of 4; callers fall back to the JS kernel otherwise.
 */

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  ltU: [0x49],
  loop: [0x03, 0x40],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  end: [0x0b],
  f32add: [0x92],
  f32store: (offset: number) => [0x38, 0x02, ...uleb(offset)],
  vload: [0xfd, ...uleb(0x00), 0x04, 0x00],
  vstore: [0xfd, ...uleb(0x0b), 0x04, 0x00],
  vzero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  splat: [0xfd, ...uleb(0x13)],
  f32load: [0x2a, 0x02, 0x00],
  sub: [0x6b],
  shrU: [0x76],
  /** v128.load16x4_u: four u16 → i32x4 (bf16 weights). */
  vload16x4: [0xfd, ...uleb(0x04), 0x03, 0x00],
  i32x4shl: [0xfd, ...uleb(0xab)],
  vadd: [0xfd, ...uleb(0xe4)],
  vmul: [0xfd, ...uleb(0xe6)],
  lane: (l: number) => [0xfd, ...uleb(0x1f), l],
};

/** Pushes hsum(v) = (v0 + v1) + (v2 + v3) onto the stack. */
function hsum(v: number): number[] {
  return [
    ...op.get(v),
    ...op.lane(0),
    ...op.get(v),
    ...op.lane(1),
    ...op.f32add,
    ...op.get(v),
    ...op.lane(2),
    ...op.get(v),
    ...op.lane(3),
    ...op.f32add,
    ...op.f32add,
  ];
}

/** acc += load(base + i) * w (w a v128 local holding the weight vector). */
function fma(acc: number, w: number, x: number): number[] {
  return [...op.get(acc), ...op.get(w), ...op.get(x), ...op.vmul, ...op.vadd, ...op.set(acc)];
}

function loadAt(base: number, i: number, dst: number): number[] {
  return [...op.get(base), ...op.get(i), ...op.add, ...op.vload, ...op.set(dst)];
}

/**
 * Block of `rows` weight rows × `cols` batch rows. Params: pw, px, pout, inBytes, outStride.
 * Weight rows at pw + r·inBytes, x rows at px + c·inBytes, out[c][r] at pout + c·outStride + 4r.
 */
function block(rows: number, cols: number, bf16: boolean): { params: number; locals: number[]; body: number[] } {
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
    for (let r = 0; r < rows; r++) body.push(...fma(acc[r][c], wv[r], xv));
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
 * scores(pq, pk, stride, count, hdBytes, pout): pout[j] = q · k_j for count keys spaced `stride` bytes apart
 * (one KV-cache block). Locals: d (i32), acc (v128).
 */
function scoresBody(): { locals: [number, number]; body: number[] } {
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
function axpyBody(): { locals: [number, number]; body: number[] } {
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

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function str(s: string): number[] {
  const b = Array.from(Buffer.from(s, 'utf8'));
  return [...uleb(b.length), ...b];
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

/** Module importing a shared memory env.mem (pages: its fixed size) and exporting the blocks. */
export function buildWasmModuleBytes(pages: number): Uint8Array {
  const funcType = [0x60, ...uleb(5), I32, I32, I32, I32, I32, ...uleb(0)];
  const attnType = [0x60, ...uleb(6), I32, I32, I32, I32, I32, I32, ...uleb(0)];
  const types = section(1, vec([funcType, attnType]));
  const memLimits = [0x03, ...uleb(pages), ...uleb(pages)]; // shared, min = max
  const imports = section(2, vec([[...str('env'), ...str('mem'), 0x02, ...memLimits]]));
  const funcs = section(3, vec([...WASM_BLOCKS.map(() => [0x00]), [0x01], [0x01]]));
  const names = [...WASM_BLOCKS.map((b) => b.name), 'scores', 'axpy'];
  const exports = section(7, vec(names.map((n, i) => [...str(n), 0x00, ...uleb(i)])));
  const bodies = WASM_BLOCKS.map((b) => {
    const blk = block(b.rows, b.cols, b.bf16);
    const [nI32, nV128] = blk.locals;
    const code = [
      ...vec([
        [...uleb(nI32), I32],
        [...uleb(nV128), V128],
      ]),
      ...blk.body,
      ...op.end,
    ];
    return [...uleb(code.length), ...code];
  });
  for (const f of [scoresBody(), axpyBody()]) {
    const body = [
      ...vec([
        [...uleb(f.locals[0]), I32],
        [...uleb(f.locals[1]), V128],
      ]),
      ...f.body,
      ...op.end,
    ];
    bodies.push([...uleb(body.length), ...body]);
  }
  const code = section(10, vec(bodies));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

export interface WasmBlocks {
  blk24(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  blk41(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  blk11(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  blk24b(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  blk41b(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  blk11b(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  /** out[j] = q · k_j, keys `stride` bytes apart; count ≥ 1, hdBytes a positive multiple of 16. */
  scores(pq: number, pk: number, stride: number, count: number, hdBytes: number, pout: number): void;
  /** acc += Σ_j w[j] · v_j. */
  axpy(pw: number, pv: number, stride: number, count: number, hdBytes: number, pacc: number): void;
}

/**
 * out[b, o] = x[b] · w[o] over rows [rowStart, rowEnd), addresses in bytes within the wasm memory. Like
 * matmulKernel it is shipped to workers as source text, so it stays self-contained.
 */
export function wasmMatmul(
  ex: WasmBlocks,
  bf16: boolean,
  wPtr: number,
  xPtr: number,
  outPtr: number,
  batch: number,
  inDim: number,
  outDim: number,
  rowStart: number,
  rowEnd: number,
): void {
  const inB = inDim * 4;
  const wB = bf16 ? inDim * 2 : inB;
  const outS = outDim * 4;
  const b24 = bf16 ? ex.blk24b : ex.blk24;
  const b41 = bf16 ? ex.blk41b : ex.blk41;
  const b11 = bf16 ? ex.blk11b : ex.blk11;
  const TILE = 32; // x tile (≤ 32 rows) stays in L1/L2 while each weight-row pair streams past it once
  for (let b0 = 0; b0 < batch; b0 += TILE) {
    const b1 = b0 + TILE < batch ? b0 + TILE : batch;
    const quadEnd = b0 + ((b1 - b0) & ~3);
    if (quadEnd > b0) {
      let o = rowStart;
      for (; o + 1 < rowEnd; o += 2) {
        const pw = wPtr + o * wB;
        for (let b = b0; b < quadEnd; b += 4) b24(pw, xPtr + b * inB, outPtr + (b * outDim + o) * 4, inB, outS);
      }
      if (o < rowEnd) {
        for (let b = b0; b < quadEnd; b++) b11(wPtr + o * wB, xPtr + b * inB, outPtr + (b * outDim + o) * 4, inB, outS);
      }
    }
    for (let b = quadEnd; b < b1; b++) {
      let o = rowStart;
      for (; o + 3 < rowEnd; o += 4) b41(wPtr + o * wB, xPtr + b * inB, outPtr + (b * outDim + o) * 4, inB, outS);
      for (; o < rowEnd; o++) b11(wPtr + o * wB, xPtr + b * inB, outPtr + (b * outDim + o) * 4, inB, outS);
    }
  }
}

/*
 * The workspace compiles with lib ES2023 and no DOM, which leaves WebAssembly untyped; these are the few
 * members used here, reached through globalThis so no global declaration can clash with other typings.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
export interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
export const wasmApi: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export function instantiateBlocks(module: WasmModule, memory: WasmMemory): WasmBlocks {
  if (!wasmApi) throw new Error('WebAssembly is not available');
  return new wasmApi.Instance(module, { env: { mem: memory } }).exports as WasmBlocks;
}
