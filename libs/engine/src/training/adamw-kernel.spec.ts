import { describe, expect, it } from 'vitest';
import { AdamW, applyAdamW, type AdamWTensor, type TrainableParam } from './optimizer';

/** Values over twelve orders of magnitude and both signs, so every rounding the JS loop does shows in the bits. */
const wave = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 7.3 + seed) * 10 ** ((i % 13) - 8));

function trainables(): TrainableParam[] {
  return [1001, 3, 17, 64, 0, 5].map((n, k) => ({
    name: `t${k}`,
    value: { shape: [n], data: Float32Array.from(wave(n, k).map((x, i) => x + Math.cos(i))) },
    grad: { shape: [n], data: new Float32Array(n) },
    decay: k % 2 === 0,
  }));
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('AdamW kernel', () => {
  it('updates weights and moments bit for bit as the JS loop does, by parts in any order', () => {
    const params = trainables();
    const optimizer = new AdamW(params, { weightDecay: 0.1 });
    expect(optimizer.kernel).toBeDefined();
    expect(params[0].value.data.buffer).toBe(optimizer.memory?.buffer);
    // The JS loop's copy of the same tensors, outside the kernel's memory.
    const plain: AdamWTensor[] = params.map((p, k) => ({
      w: Float32Array.from(p.value.data),
      g: new Float32Array(p.grad.data.length),
      m: new Float32Array(p.value.data.length),
      v: new Float32Array(p.value.data.length),
      decay: k % 2 === 0,
    }));
    for (let step = 0; step < 4; step++) {
      params.forEach((p, k) => {
        p.grad.data.set(wave(p.grad.data.length, 10 * step + k));
        plain[k].g.set(p.grad.data);
      });
      const s = optimizer.next(0.01, step === 2 ? 0.37 : 1);
      for (const part of [2, 0, 1]) applyAdamW(optimizer.tensors, s, part, 3, optimizer.kernel);
      applyAdamW(plain, s, 0, 1);
      optimizer.tensors.forEach((t, k) => {
        for (const a of ['w', 'm', 'v', 'g'] as const) expect(bits(t[a]), `${a} of tensor ${k}, step ${step}`).toEqual(bits(plain[k][a]));
      });
    }
  });

  it('takes the gradient norm in the JS loop’s order: four sums, each tensor’s tail into the first', () => {
    const params = trainables();
    const optimizer = new AdamW(params);
    expect(optimizer.kernel).toBeDefined();
    // One magnitude, at a phase where a tail added to another sum, or the sums taken in another pairing, moves the
    // norm's last bit (with the wave's magnitudes each tensor's tail would be too small to show).
    params.forEach((p, k) => p.grad.data.set(p.grad.data.map((_, i) => Math.sin(i * 7.3 + k + 2))));
    const sums = [0, 0, 0, 0];
    for (const { grad } of params) {
      const g = grad.data;
      const n4 = g.length & ~3;
      for (let i = 0; i < n4; i++) sums[i % 4] += g[i] * g[i];
      for (let i = n4; i < g.length; i++) sums[0] += g[i] * g[i];
    }
    expect(optimizer.gradNorm()).toBe(Math.sqrt(sums[0] + sums[1] + sums[2] + sums[3]));
  });
});
