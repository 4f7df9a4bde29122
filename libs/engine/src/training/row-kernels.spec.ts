import { describe, expect, it } from 'vitest';
import { Arena } from '../arena';
import { instantiateBlocks } from '../wasm-runtime';
import { compileAccumulateModule, instantiateAccumulate } from './accumulate-kernel';
import { applyRope, rmsNormBackward, rmsNormForward, ropeTable } from './layers';

const ROWS = 7; // a group of four rows, then three alone
const DIM = 68; // seventeen passes of four lanes

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) >>> 0), s / 2 ** 32 - 0.5);
}

/** An arena array of n values from `f` (Float32Array.map would make a copy outside the arena). */
function filled(arena: Arena, n: number, f: () => number): Float32Array {
  const a = arena.alloc(n);
  for (let i = 0; i < n; i++) a[i] = f();
  return a;
}

/** Bit patterns, so that a kernel's −0 or NaN payload differing from the JS loop's shows. */
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("the trainer's RMSNorm kernels (its accumulate module)", () => {
  const arena = new Arena(1 << 16);
  const kernels = instantiateAccumulate(compileAccumulateModule(arena.buffer.byteLength / 65536, arena.fused)!, arena.memory!);
  const next = random(9);
  const x = filled(arena, ROWS * DIM, () => next() * 6);
  const w = filled(arena, DIM, () => 1 + next());
  x.set([0, -0, 3e38, 1e-40], DIM); // a zero, a huge and a subnormal element in the second row

  it('forward: y and 1/rms are bit for bit the JS loop (float64 x · r · w, rounded once)', () => {
    const y = arena.alloc(ROWS * DIM).fill(NaN);
    const inv = arena.alloc(ROWS).fill(NaN);
    kernels.rmsNorm(x.byteOffset, y.byteOffset, w.byteOffset, inv.byteOffset, ROWS, DIM * 4, 1e-5);
    const want = rmsNormForward(x, w, ROWS, DIM, 1e-5);
    expect(bits(y)).toEqual(bits(want.y));
    expect(bits(inv)).toEqual(bits(want.inv));
  });

  for (const withDw of [true, false]) {
    it(`backward${withDw ? ' with' : ' without'} the weight gradient: dx and dw bit for bit the JS loop`, () => {
      const inv = rmsNormForward(x, w, ROWS, DIM, 1e-5).inv;
      const invA = arena.alloc(ROWS);
      invA.set(inv);
      const dy = filled(arena, ROWS * DIM, () => next() * 1e-2);
      // The kernels add into what is there; small starting values keep every row's rounding visible in the sums.
      const dx = filled(arena, ROWS * DIM, () => next() * 1e-4);
      const dw = filled(arena, DIM, () => next() * 1e-4);
      const wantDx = dx.slice();
      const wantDw = dw.slice();
      rmsNormBackward(x, w, inv, dy, ROWS, DIM, wantDx, withDw ? wantDw : undefined);
      kernels.rmsNormBackward(
        x.byteOffset,
        w.byteOffset,
        invA.byteOffset,
        dy.byteOffset,
        dx.byteOffset,
        dw.byteOffset,
        ROWS,
        DIM * 4,
        withDw ? 1 : 0,
      );
      expect(bits(dx)).toEqual(bits(wantDx));
      expect(bits(dw)).toEqual(bits(wantDw));
    });
  }
});

describe("the engine's rope kernel on the trainer's tables", () => {
  it("rotates rows of q heads, and back, bit for bit as the trainer's applyRope does", () => {
    const arena = new Arena(1 << 16);
    const blocks = instantiateBlocks(arena.module!, arena.memory!);
    const [rows, heads, headDim] = [5, 3, 16];
    const half = headDim / 2;
    const table = ropeTable(
      rows,
      Float64Array.from({ length: half }, (_, i) => 10000 ** (-i / half)),
    );
    // The float64 copies PassRowSteps keeps in the workspace.
    const f64 = (values: Float32Array): number => {
      const at = arena.alloc(2 * values.length);
      new Float64Array(at.buffer, at.byteOffset, values.length).set(values);
      return at.byteOffset;
    };
    const [cos, sin, negSin] = [f64(table.cos), f64(table.sin), f64(table.sin.map((v) => -v))];
    const next = random(3);
    const q = filled(arena, rows * heads * headDim, () => next() * 8);
    for (const inverse of [false, true]) {
      const want = q.slice();
      applyRope(want, rows, heads, headDim, table, inverse);
      blocks.rope(q.byteOffset, heads * headDim * 4, cos, inverse ? negSin : sin, rows, heads, headDim * 4);
      expect(bits(q)).toEqual(bits(want));
    }
  });
});

describe("the trainer's attention score gradients (scoreGrads)", () => {
  for (const [first, rows] of [
    [1, 11],
    [3, 6],
  ] as const) {
    it(`are bit for bit the JS loop: rows of ${first} … ${first + rows - 1} scores, in place`, () => {
      const arena = new Arena(1 << 16);
      const kernels = instantiateAccumulate(compileAccumulateModule(arena.buffer.byteLength / 65536, arena.fused)!, arena.memory!);
      const width = first + rows; // the [T × T] matrices' row length
      const next = random(first);
      const p = filled(arena, rows * width, () => Math.abs(next()));
      const dS = filled(arena, rows * width, () => next() * 4); // dOut · v, as the scores kernel leaves it
      const want = dS.slice();
      const scale = 1 / Math.sqrt(32);
      for (let t = 0; t < rows; t++) {
        const [po, row] = [t * width, t * width];
        let pdp = 0;
        for (let u = 0; u < first + t; u++) pdp += p[po + u] * want[row + u];
        for (let u = 0; u < first + t; u++) want[row + u] = p[po + u] * (want[row + u] - pdp) * scale;
      }
      kernels.scoreGrads(p.byteOffset, dS.byteOffset, first, width * 4, rows, scale);
      expect(bits(dS)).toEqual(bits(want));
    });
  }
});
