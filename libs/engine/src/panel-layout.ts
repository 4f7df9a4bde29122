import type { Arena } from './arena';
import { PANEL_ROWS } from './wasm-kernel';

/**
 * The panel layout the batched wasm blocks read (wasm-kernel.ts `pnl*`): each group of PANEL_ROWS weight rows is
 * stored chunk-interleaved, chunk j of row r at element (j·PANEL_ROWS + r)·chunk within the group; a group takes
 * the same space as its rows row-major, so row o of a panel-packed matrix still starts its group at o·inDim. Rows
 * after the last whole group stay row-major. f32 chunks are 4 weights; bf16 chunks are 8, packed as 16-bit pairs
 * (w[k], w[k+4]) so that one load gives both halves in place (`shl 16` and `and 0xffff0000`).
 */

/** Whether a matrix with this input width can take the panel layout (bf16 chunks are 8 wide). */
export function panelFits(inDim: number, bf16: boolean): boolean {
  return inDim % (bf16 ? 8 : 4) === 0;
}

/** Element index of weight (row, i) in a panel-packed f32 matrix. */
function f32Index(row: number, i: number, rows: number, inDim: number): number {
  const full = rows - (rows % PANEL_ROWS);
  if (row >= full) return row * inDim + i;
  const g = row - (row % PANEL_ROWS);
  return g * inDim + ((i >> 2) * PANEL_ROWS + (row - g)) * 4 + (i & 3);
}

/** Element index of weight (row, i) in a panel-packed bf16 matrix (16-bit elements). */
function bf16Index(row: number, i: number, rows: number, inDim: number): number {
  const full = rows - (rows % PANEL_ROWS);
  if (row >= full) return row * inDim + i;
  const g = row - (row % PANEL_ROWS);
  const k = i & 7;
  return g * inDim + ((i >> 3) * PANEL_ROWS + (row - g)) * 8 + (k < 4 ? 2 * k : 2 * (k - 4) + 1);
}

/** Writes row-major `src` [rows × inDim] into `dst` in the f32 panel layout. */
export function packPanel(src: Float32Array, rows: number, inDim: number, dst: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let i = 0; i < inDim; i++) dst[f32Index(r, i, rows, inDim)] = src[r * inDim + i];
}

/** Writes row-major `src` (f32 values that are widened bf16, so exact) into `dst` in the bf16 panel layout. */
export function packPanelBf16(src: Float32Array, rows: number, inDim: number, dst: Uint16Array): void {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let r = 0; r < rows; r++) for (let i = 0; i < inDim; i++) dst[bf16Index(r, i, rows, inDim)] = bits[r * inDim + i] >>> 16;
}

/** Reads row `row` of a panel-packed matrix back as f32 (the embedding lookup of a tied lm_head). */
export function readPanelRow(w: Float32Array | Uint16Array, row: number, rows: number, inDim: number, out: Float32Array): void {
  if (w instanceof Float32Array) {
    for (let i = 0; i < inDim; i++) out[i] = w[f32Index(row, i, rows, inDim)];
    return;
  }
  const bits = new Uint32Array(out.buffer, out.byteOffset, inDim);
  for (let i = 0; i < inDim; i++) bits[i] = w[bf16Index(row, i, rows, inDim)] << 16;
}

/**
 * `parts` (row-major, `inDim` wide) stacked into one weight matrix in the arena: in the panel layout when `panel`,
 * as bf16 bit patterns when `bf16`.
 */
export function packWeights(arena: Arena, parts: Float32Array[], inDim: number, panel: boolean, bf16: boolean): Float32Array | Uint16Array {
  if (!panel) return bf16 ? arena.concatBf16(parts) : arena.concat(parts);
  let rowMajor = parts[0];
  if (parts.length > 1) {
    rowMajor = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      rowMajor.set(p, off);
      off += p.length;
    }
  }
  const rows = rowMajor.length / inDim;
  if (!bf16) {
    const out = arena.alloc(rowMajor.length);
    packPanel(rowMajor, rows, inDim, out);
    return out;
  }
  const out = arena.allocU16(rowMajor.length);
  packPanelBf16(rowMajor, rows, inDim, out);
  return out;
}
