import { describe, expect, it } from 'vitest';
import { Arena } from './arena';
import { bf16Bits } from './kv-cache';
import { instantiateBlocks } from './wasm-runtime';

describe('wasm SIMD softmax', () => {
  const arena = new Arena(1 << 20);
  const blocks = instantiateBlocks(arena.module!, arena.memory!);

  it('matches a float64 softmax of (w − max)·scale for every length, and pads with zeros', () => {
    const scale = 0.125;
    let s = 5;
    for (const len of [1, 2, 3, 4, 5, 7, 16, 17, 37, 1000]) {
      const w = arena.alloc(len);
      const after = arena.alloc(4).fill(7); // the next allocation starts on the next 64 bytes: never written
      for (let j = 0; j < len; j++) {
        s = (s * 1103515245 + 12345) >>> 0;
        w[j] = (s / 2 ** 32 - 0.5) * 200;
      }
      const scores = Array.from(w);
      const max = Math.max(...scores);
      const e = scores.map((v) => Math.exp((v - max) * scale));
      const sum = e.reduce((a, b) => a + b, 0);
      blocks.softmax(w.byteOffset, len, scale);
      for (let j = 0; j < len; j++) {
        // (w − max)·scale is rounded to f32 before its exp: a relative error of up to |x| · 2⁻²⁴ on top of a few ulp.
        const want = e[j] / sum;
        const x = Math.abs((scores[j] - max) * scale);
        expect(Math.abs(w[j] - want)).toBeLessThanOrEqual(want * (5e-7 + x * 2 ** -23) + 1e-37);
      }
      const padded = new Float32Array(w.buffer, w.byteOffset, Math.ceil(len / 4) * 4);
      expect(Array.from(padded.subarray(len))).toEqual(new Array<number>(padded.length - len).fill(0));
      expect(Array.from(after)).toEqual([7, 7, 7, 7]);
    }
  });

  it('gives 0 weight to scores whose exp underflows, −∞ included', () => {
    const w = arena.alloc(6);
    w.set([-1e4, 3, -1e30, 2.5, -Infinity, 3]);
    blocks.softmax(w.byteOffset, 6, 1);
    const top = 1 / (2 + Math.exp(-0.5));
    expect([w[0], w[2], w[4]]).toEqual([0, 0, 0]);
    for (const [got, want] of [
      [w[1], top],
      [w[3], top * Math.exp(-0.5)],
      [w[5], top],
    ])
      expect(got).toBeCloseTo(want, 6);
  });

  it('takes the max wherever it lies in the row (each of the max pass accumulators and its tail)', () => {
    const len = 75;
    const w = arena.alloc(len);
    for (let top = 0; top < len; top++) {
      // The others' exp, e⁻¹⁰⁰, is below the kernel's cutoff and counts 0; with a max that missed `top`, they would
      // get e⁰ and `top` an overflowing exp, so they would not be 0.
      w.fill(0);
      w[top] = 100;
      blocks.softmax(w.byteOffset, len, 1);
      expect(
        Array.from(w)
          .map((v, j) => (j === top ? v === 1 : v === 0))
          .every(Boolean),
      ).toBe(true);
    }
  });

  it('gives a row with a NaN score NaN weights, as a float64 softmax does', () => {
    const w = arena.alloc(70);
    w.fill(1);
    w[66] = NaN;
    blocks.softmax(w.byteOffset, 70, 1);
    expect(Array.from(w).every((v) => Number.isNaN(v))).toBe(true);
  });
});

// With fused multiply-adds (the engine's kernels wherever the runtime has relaxed SIMD) each product is added unrounded.
describe.each([false, true])('wasm scores and axpy, fused %s', (fused) => {
  const arena = new Arena(1 << 20, { fused });
  const ex = instantiateBlocks(arena.module!, arena.memory!);
  const f = Math.fround;
  /** acc + a · b in f32: the product rounded first, or (fused) not: a product of two f32 is exact in float64. */
  const mulAdd = (acc: number, a: number, b: number): number => f(acc + (fused ? a * b : f(a * b)));
  let s = 3;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32 - 0.5) * 4;
  };
  /** Arena floats (so the kernels address them) filled at random. */
  const randomFloats = (n: number): Float32Array => {
    const a = arena.alloc(n);
    for (let i = 0; i < n; i++) a[i] = rand();
    return a;
  };

  it('build the kernels asked for', () => expect(arena.fused).toBe(fused));

  // Head widths a multiple of 16 floats take the unrolled loop, the others the plain one: the same lanes in the same order.
  it('sum each key in four f32 lanes over the head in order, then (v0 + v1) + (v2 + v3), and add each V row in order, f32 and bf16', () => {
    for (const hd of [4, 20, 64, 80, 128]) {
      for (const bf16 of [false, true]) {
        const count = 7; // four keys at a time, then three alone
        const stride = hd + 8; // floats between keys (or V rows)
        const q = randomFloats(hd);
        const keys = randomFloats(count * stride);
        const k16 = arena.allocU16(keys.length);
        const keyBits = new Uint32Array(keys.buffer, keys.byteOffset, keys.length);
        k16.set(Array.from(keyBits, (b) => bf16Bits(b)));
        const key = (j: number, d: number): number =>
          bf16 ? new Float32Array(new Uint32Array([k16[j * stride + d] << 16]).buffer)[0] : keys[j * stride + d];
        const [pk, eb] = bf16 ? [k16.byteOffset, 2] : [keys.byteOffset, 4];
        const out = arena.alloc(count);
        (bf16 ? ex.scoresB : ex.scores)(q.byteOffset, pk, stride * eb, count, hd * 4, out.byteOffset);
        for (let j = 0; j < count; j++) {
          const lanes = [0, 0, 0, 0];
          for (let d = 0; d < hd; d += 4) for (let l = 0; l < 4; l++) lanes[l] = mulAdd(lanes[l], q[d + l], key(j, d + l));
          expect(out[j], `scores, hd ${hd}, bf16 ${bf16}, key ${j}`).toBe(f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3])));
        }
        const w = randomFloats(count);
        const acc = randomFloats(hd);
        const want = Array.from(acc);
        for (let j = 0; j < count; j++) for (let d = 0; d < hd; d++) want[d] = mulAdd(want[d], w[j], key(j, d));
        (bf16 ? ex.axpyB : ex.axpy)(w.byteOffset, pk, stride * eb, count, hd * 4, acc.byteOffset);
        expect(Array.from(acc), `axpy, hd ${hd}, bf16 ${bf16}`).toEqual(want);
      }
    }
  });

  it('give two queries (scores2) and two rows of weights (axpy2) the bits of one-row calls, f32 and bf16', () => {
    for (const hd of [4, 20, 64]) {
      for (const bf16 of [false, true]) {
        const count = 11; // two fours, then three alone
        const stride = hd + 4;
        const values = randomFloats(count * stride);
        const v16 = arena.allocU16(values.length);
        v16.set(Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length), (b) => bf16Bits(b)));
        const [pk, eb] = bf16 ? [v16.byteOffset, 2] : [values.byteOffset, 4];
        const [scores, scores2, axpy, axpy2] = bf16
          ? [ex.scoresB, ex.scores2B, ex.axpyB, ex.axpy2B]
          : [ex.scores, ex.scores2, ex.axpy, ex.axpy2];
        const [q, q2] = [randomFloats(hd), randomFloats(hd)];
        const [one, two] = [arena.alloc(2 * count), arena.alloc(2 * count)];
        scores(q.byteOffset, pk, stride * eb, count, hd * 4, one.byteOffset);
        scores(q2.byteOffset, pk, stride * eb, count, hd * 4, one.byteOffset + count * 4);
        scores2(q.byteOffset, q2.byteOffset, pk, stride * eb, count, hd * 4, two.byteOffset, two.byteOffset + count * 4);
        expect(Array.from(two), `scores2, hd ${hd}, bf16 ${bf16}`).toEqual(Array.from(one));
        const [w, w2] = [randomFloats(count), randomFloats(count)];
        const alone = randomFloats(2 * hd);
        const together = arena.alloc(2 * hd);
        together.set(alone);
        axpy(w.byteOffset, pk, stride * eb, count, hd * 4, alone.byteOffset);
        axpy(w2.byteOffset, pk, stride * eb, count, hd * 4, alone.byteOffset + hd * 4);
        axpy2(w.byteOffset, w2.byteOffset, pk, stride * eb, count, hd * 4, together.byteOffset, together.byteOffset + hd * 4);
        expect(Array.from(together), `axpy2, hd ${hd}, bf16 ${bf16}`).toEqual(Array.from(alone));
      }
    }
  });
});

describe('wasm attendRows', () => {
  const arena = new Arena(1 << 22);
  const ex = instantiateBlocks(arena.module!, arena.memory!);
  const hd = 64;
  const kvDim = 4 * hd; // four KV heads per cache row; the head read is the third
  const qkvDim = 3 * kvDim; // a query row's stride, as in the model's stacked q|k|v rows
  const blockSize = 16;
  const blocks = 12;
  const maxRows = 5;
  const rowFloats = blocks * blockSize + 16; // a row of scores, with the softmax's padding
  const k = arena.alloc(blocks * blockSize * kvDim);
  const v = arena.alloc(blocks * blockSize * kvDim);
  const q = arena.alloc(maxRows * qkvDim);
  const scores = arena.alloc(maxRows * rowFloats);
  const out = arena.alloc(maxRows * hd);
  const ref = arena.alloc(rowFloats);
  const byBlocks = arena.alloc(hd);
  const tableWords = arena.alloc(blocks);
  const table = new Int32Array(tableWords.buffer, tableWords.byteOffset, blocks);
  let s = 11;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  for (const a of [k, v, q]) for (let i = 0; i < a.length; i++) a[i] = rand() * 4;
  table.set([7, 2, 11, 0, 5, 9, 1, 3, 10, 4, 8, 6]); // a paged sequence: its blocks anywhere in the pool
  const head = 2 * hd * 4;
  const stride = kvDim * 4;
  const blockBytes = blockSize * stride;
  const scale = 1 / Math.sqrt(hd);
  /** The cache as a bf16 cache holds it (each value rounded), and those values widened back to f32. */
  const bf16Of = (src: Float32Array): Uint16Array => {
    const out = arena.allocU16(src.length);
    const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
    for (let i = 0; i < src.length; i++) out[i] = bf16Bits(bits[i]);
    return out;
  };
  const widened = (b16: Uint16Array): Float32Array => {
    const out = arena.alloc(b16.length);
    new Uint32Array(out.buffer, out.byteOffset, out.length).set(Array.from(b16, (b) => b << 16));
    return out;
  };
  const [kb, vb] = [bf16Of(k), bf16Of(v)];

  it('gives each row what the per-block scores, softmax and weighted sums give it alone, bit for bit, and a float64 attention to 2e-6', () => {
    const cases: [number, number][] = [
      [1, 1],
      [3, 1],
      [16, 1],
      [17, 1],
      [1, 5], // rows 1-5 positions: all in the first block
      [13, 5], // 13-17: the last row alone reaches the second block
      [14, 5], // 14-18: crossing into the second block, whose keys the first rows do not reach
      [16, 3],
      [45, 4],
      [100, 5],
      [blocks * blockSize - 4, 5],
    ];
    for (const [len, rows] of cases) {
      out.fill(Number.NaN); // attendRows zeroes its outputs first
      ex.attendRows(
        q.byteOffset,
        k.byteOffset + head,
        v.byteOffset + head,
        table.byteOffset,
        blockBytes,
        stride,
        blockSize,
        len,
        hd * 4,
        scores.byteOffset,
        scale,
        out.byteOffset,
        rows,
        qkvDim * 4,
        hd * 4,
        rowFloats * 4,
      );
      for (let r = 0; r < rows; r++) {
        const rowLen = len + r;
        const qr = q.byteOffset + r * qkvDim * 4;
        const attended = Array.from(out.subarray(r * hd, (r + 1) * hd));
        // The same kernels called block by block from JS for this row alone, as attention once did.
        for (let j = 0, b = 0; j < rowLen; b++, j += blockSize) {
          ex.scores(
            qr,
            k.byteOffset + head + table[b] * blockBytes,
            stride,
            Math.min(blockSize, rowLen - j),
            hd * 4,
            ref.byteOffset + j * 4,
          );
        }
        ex.softmax(ref.byteOffset, rowLen, scale);
        byBlocks.fill(0);
        for (let j = 0, b = 0; j < rowLen; b++, j += blockSize) {
          ex.axpy(
            ref.byteOffset + j * 4,
            v.byteOffset + head + table[b] * blockBytes,
            stride,
            Math.min(blockSize, rowLen - j),
            hd * 4,
            byBlocks.byteOffset,
          );
        }
        expect(attended, `len ${len}, row ${r} of ${rows}`).toEqual(Array.from(byBlocks));
        // A float64 reference over the same positions.
        const at = (pool: Float32Array, pos: number, d: number): number =>
          pool[(table[Math.floor(pos / blockSize)] * blockSize + (pos % blockSize)) * kvDim + 2 * hd + d];
        const logits = Array.from({ length: rowLen }, (_, pos) => {
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += q[r * qkvDim + d] * at(k, pos, d);
          return dot * scale;
        });
        const max = Math.max(...logits);
        const e = logits.map((x) => Math.exp(x - max));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let d = 0; d < hd; d++) {
          let want = 0;
          for (let pos = 0; pos < rowLen; pos++) want += (e[pos] / sum) * at(v, pos, d);
          expect(Math.abs(attended[d] - want)).toBeLessThan(2e-6);
        }
      }
    }
  });

  it('reads a bf16 cache (attendRowsB) as attendRows reads the same values widened to f32, bit for bit', () => {
    const [kw, vw] = [widened(kb), widened(vb)];
    const wideOut = arena.alloc(maxRows * hd);
    for (const [len, rows] of [
      [1, 1],
      [17, 1],
      [14, 5],
      [100, 5],
    ]) {
      const run = (bf16: boolean, into: Float32Array): void =>
        (bf16 ? ex.attendRowsB : ex.attendRows)(
          q.byteOffset,
          (bf16 ? kb : kw).byteOffset + (bf16 ? head / 2 : head),
          (bf16 ? vb : vw).byteOffset + (bf16 ? head / 2 : head),
          table.byteOffset,
          bf16 ? blockBytes / 2 : blockBytes,
          bf16 ? stride / 2 : stride,
          blockSize,
          len,
          hd * 4,
          scores.byteOffset,
          scale,
          into.byteOffset,
          rows,
          qkvDim * 4,
          hd * 4,
          rowFloats * 4,
        );
      run(true, out);
      run(false, wideOut);
      expect(Array.from(out.subarray(0, rows * hd)), `len ${len}, ${rows} rows`).toEqual(Array.from(wideOut.subarray(0, rows * hd)));
    }
  });

  it('takes every head of a row per block (attendHeadsRow) with the bits attendRows gives each head alone, f32 and bf16', () => {
    const alone = arena.alloc(8 * hd);
    const together = arena.alloc(8 * hd);
    const group = 2; // query heads 2g and 2g + 1 read KV head g
    // attendHeadsRow reads ahead into a row's next block: the word after its table is an id whose block lies past the
    // arena's 4 MiB, so touching a block after the last traps.
    const fencedWords = arena.alloc(blocks + 1);
    const fenced = new Int32Array(fencedWords.buffer, fencedWords.byteOffset, blocks + 1);
    fenced.set([...table, 1000]);
    for (const bf16 of [false, true]) {
      const [kc, vc, eb] = bf16 ? [kb, vb, 2] : [k, v, 4];
      for (const [h0, heads] of [
        [0, 1],
        [2, 4],
        [3, 5],
      ]) {
        for (const len of [1, 16, 17, 100, blocks * blockSize - 4, blocks * blockSize]) {
          together.fill(Number.NaN);
          (bf16 ? ex.attendHeadsRowB : ex.attendHeadsRow)(
            q.byteOffset,
            kc.byteOffset,
            vc.byteOffset,
            fenced.byteOffset,
            blockSize * kvDim * eb,
            kvDim * eb,
            blockSize,
            len,
            hd * 4,
            scores.byteOffset,
            scale,
            together.byteOffset,
            heads,
            group,
            h0,
            rowFloats * 4,
          );
          for (let h = h0; h < h0 + heads; h++) {
            const g = Math.floor(h / group);
            (bf16 ? ex.attendRowsB : ex.attendRows)(
              q.byteOffset + h * hd * 4,
              kc.byteOffset + g * hd * eb,
              vc.byteOffset + g * hd * eb,
              table.byteOffset,
              blockSize * kvDim * eb,
              kvDim * eb,
              blockSize,
              len,
              hd * 4,
              ref.byteOffset,
              scale,
              alone.byteOffset + h * hd * 4,
              1,
              qkvDim * 4,
              hd * 4,
              rowFloats * 4,
            );
            const at = `${bf16 ? 'bf16' : 'f32'}, head ${h} of ${h0}-${h0 + heads - 1}, len ${len}`;
            expect(Array.from(together.subarray(h * hd, (h + 1) * hd)), at).toEqual(Array.from(alone.subarray(h * hd, (h + 1) * hd)));
          }
        }
      }
    }
  });
});

describe('bf16Bits', () => {
  it('rounds to the nearest bf16, ties to even, and keeps infinities and NaN', () => {
    const bitsOf = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0];
    expect(bf16Bits(bitsOf(1))).toBe(0x3f80);
    expect(bf16Bits(0x3f808000)).toBe(0x3f80); // a tie, to the even 0x3f80
    expect(bf16Bits(0x3f818000)).toBe(0x3f82); // a tie, to the even 0x3f82
    expect(bf16Bits(0x3f808001)).toBe(0x3f81); // above the tie
    expect(bf16Bits(bitsOf(-2.5))).toBe(0xc020);
    expect(bf16Bits(0x7f7fffff)).toBe(0x7f80); // the largest f32 rounds up to +∞
    expect(bf16Bits(bitsOf(-Infinity))).toBe(0xff80);
    expect(bf16Bits(0x7f800001) & 0x7f80).toBe(0x7f80); // a NaN stays a NaN
    expect(bf16Bits(0x7f800001) & 0x7f).not.toBe(0);
  });
});
