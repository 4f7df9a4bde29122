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
  validate(bytes: Uint8Array): boolean;
}
/** A wasm page, and the most pages a wasm32 memory has (4 GiB). */
export const WASM_PAGE_BYTES = 65536;
export const MAX_WASM_PAGES = 65536;

export const wasmApi: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export function instantiateBlocks(module: WasmModule, memory: WasmMemory): WasmBlocks {
  if (!wasmApi) throw new Error('WebAssembly is not available');
  return new wasmApi.Instance(module, { env: { mem: memory } }).exports as WasmBlocks;
}

/** The exports of the module buildWasmModuleBytes writes (wasm-kernel.ts). */
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
  /** scores for two queries against the same keys, into pout and pout2: each score the bits scores gives it. */
  scores2(pq: number, pq2: number, pk: number, stride: number, count: number, hdBytes: number, pout: number, pout2: number): void;
  /** axpy for two rows of weights into two accumulators: each the bits axpy gives it. */
  axpy2(pw: number, pw2: number, pv: number, stride: number, count: number, hdBytes: number, pacc: number, pacc2: number): void;
  /** scores, axpy (and their two-row forms) and attendRows over a bf16 KV cache: keys and V rows widened as they are read. */
  scoresB(pq: number, pk: number, stride: number, count: number, hdBytes: number, pout: number): void;
  axpyB(pw: number, pv: number, stride: number, count: number, hdBytes: number, pacc: number): void;
  scores2B: WasmBlocks['scores2'];
  axpy2B: WasmBlocks['axpy2'];
  attendRowsB: WasmBlocks['attendRows'];
  /**
   * Heads [h0, h0 + heads) of one row over len cached positions, every head per KV block: query and output of head h
   * at h · hdBytes from pq and pout, its scores at pw + (h − h0) · wStride, its kv head ⌊h / group⌋ (wasm-attention.ts).
   */
  attendHeadsRow(
    pq: number,
    pk: number,
    pv: number,
    ptable: number,
    blockBytes: number,
    stride: number,
    blockSize: number,
    len: number,
    hdBytes: number,
    pw: number,
    scale: number,
    pout: number,
    heads: number,
    group: number,
    h0: number,
    wStride: number,
  ): void;
  attendHeadsRowB: WasmBlocks['attendHeadsRow'];
  /** Rows 0-1 of a panel (pw + 32: rows 2-3) × PANEL_COLS interleaved x rows (f32, and bf16 packed weights). */
  pnl24(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  pnl24b(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  /** PANEL_ROWS panel rows × one row-major x row. */
  pnl1(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  pnl1b(pw: number, px: number, pout: number, inBytes: number, outStride: number): void;
  /** Copies `groups` groups of PANEL_COLS x rows into the interleaved order the panel blocks read; groups ≥ 1. */
  interleave(px: number, pdst: number, inBytes: number, groups: number): void;
  /** Widens one bf16 panel into f32 panel layout (PANEL_ROWS · inBytes bytes at pdst). */
  unpack(pw: number, pdst: number, inBytes: number): void;
  /** silu(gate) · up over `rows` ≥ 1 rows of [gate | up] into rows at pdst; interBytes a positive multiple of 16. */
  swiglu(pgu: number, pdst: number, rows: number, interBytes: number): void;
  /** dst += src over `bytes`, a positive multiple of 16 (wasm-rows.ts, as are the next two). */
  addRows(pdst: number, psrc: number, bytes: number): void;
  /** rmsNormRows over rows ≥ 1 rows of dimBytes (a positive multiple of 16), bit for bit. */
  rmsNorm(psrc: number, pdst: number, pweight: number, rows: number, dimBytes: number, eps: number): void;
  /** ropeInPlace on heads ≥ 1 heads of rows ≥ 1 rows, row r at pv + r · stride, its float64 cos / sin at + r · hdBytes. */
  rope(pv: number, stride: number, pcos: number, psin: number, rows: number, heads: number, hdBytes: number): void;
  /** w[j] = softmax((w − max)·scale) over len ≥ 1 scores; first writes −∞ pads up to the next multiple of 4. */
  softmax(pw: number, len: number, scale: number): void;
  /**
   * One head's attention for `rows` ≥ 1 consecutive rows, row r over len + r positions in KV-cache blocks (ids: i32s
   * at ptable): scores into pw + r · wStride, softmax, and the weighted V rows into pout + r · oStride
   * (wasm-attention.ts).
   */
  attendRows(
    pq: number,
    pk: number,
    pv: number,
    ptable: number,
    blockBytes: number,
    stride: number,
    blockSize: number,
    len: number,
    hdBytes: number,
    pw: number,
    scale: number,
    pout: number,
    rows: number,
    qStride: number,
    oStride: number,
    wStride: number,
  ): void;
}
