/**
 * The JS side of the matmul blocks (wasm-kernel.ts): walks the weight rows and x rows in the order the blocks were
 * built for. Both drivers are shipped to the worker threads as source text (parallel.ts), so each stays
 * self-contained: no imports are used inside them, only the block functions passed in.
 */
import type { WasmBlocks } from './wasm-runtime';

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

/**
 * out[b, o] = x[b] · w[o] over rows [rowStart, rowEnd) for weights in the panel layout (panel-layout.ts; rowStart
 * a multiple of 4), with the first ⌊batch/4⌋·4 x rows already interleaved at xiPtr (ex.interleave) and, for bf16, 4·inDim
 * floats of this thread's own scratch at scratchPtr. The last
 * batch % 4 x rows and the weight rows after the last whole panel (stored row-major) use the row-major x. Shipped to workers
 * as source text like wasmMatmul, so the panel geometry (PANEL_ROWS 4, PANEL_COLS 4) is written as literals.
 */
export function wasmMatmulPanel(
  ex: WasmBlocks,
  bf16: boolean,
  wPtr: number,
  xPtr: number,
  xiPtr: number,
  scratchPtr: number,
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
  // bf16 with two or more x quads: widen each panel once into this thread's scratch, then the f32 blocks.
  const widen = bf16 && batch >= 8;
  const blk = bf16 && !widen ? ex.pnl24b : ex.pnl24;
  const one = bf16 ? ex.pnl1b : ex.pnl1;
  const b11 = bf16 ? ex.blk11b : ex.blk11;
  const panelEnd = outDim - (outDim % 4);
  const pEnd = rowEnd < panelEnd ? rowEnd : panelEnd;
  const quadEnd = batch - (batch % 4);
  const TILE = 32; // x rows whose interleaved copy stays in L2 while the weights stream past it once
  const panelB = 4 * wB;
  // Panels in groups of about 128 KiB, each x quad over the whole group before the next one: the quad's x stays in
  // L1 while the group streams past it (from memory for the first quad, from L2 for the others). Every quad over
  // one panel at a time kept four quads' x and the panel in flight, more than L1 holds at hidden 512: 8-11 % slower
  // with weights beyond the L3. A widened bf16 panel lives in the one-panel scratch: groups of one panel.
  const group = widen ? 4 : 4 * (panelB < 131072 ? Math.floor(131072 / panelB) : 1);
  for (let b0 = 0; b0 < quadEnd; b0 += TILE) {
    const b1 = b0 + TILE < quadEnd ? b0 + TILE : quadEnd;
    for (let g = rowStart; g < pEnd; g += group) {
      const gEnd = g + group < pEnd ? g + group : pEnd;
      let base = wPtr + g * wB;
      if (widen) {
        ex.unpack(base, scratchPtr, inB);
        base = scratchPtr;
      }
      for (let b = b0; b < b1; b += 4) {
        const px = xiPtr + b * inB;
        let po = outPtr + (b * outDim + g) * 4;
        for (let pw = base, o = g; o < gEnd; o += 4, pw += panelB, po += 16) {
          blk(pw, px, po, inB, outS);
          blk(pw + 32, px, po + 8, inB, outS);
        }
      }
    }
  }
  for (let b = quadEnd; b < batch; b++) {
    for (let o = rowStart; o < pEnd; o += 4) one(wPtr + o * wB, xPtr + b * inB, outPtr + (b * outDim + o) * 4, inB, outS);
  }
  for (let o = pEnd > rowStart ? pEnd : rowStart; o < rowEnd; o++) {
    for (let b = 0; b < batch; b++) b11(wPtr + o * wB, xPtr + b * inB, outPtr + (b * outDim + o) * 4, inB, outS);
  }
}
