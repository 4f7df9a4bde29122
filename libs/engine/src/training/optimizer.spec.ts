import { describe, expect, it } from 'vitest';
import { AdamW, applyAdamW, clipScale, type TrainableParam } from './optimizer';
import { warmupCosineLr } from './schedule';

function param(values: number[], grads: number[], decay = true): TrainableParam {
  return {
    name: 'p',
    value: { shape: [values.length], data: Float32Array.from(values) },
    grad: { shape: [grads.length], data: Float32Array.from(grads) },
    decay,
  };
}

describe('optimizer and schedule', () => {
  it('warms up linearly then decays along a cosine to the floor', () => {
    expect(warmupCosineLr(0, 100, 1, 10)).toBeCloseTo(0.1);
    expect(warmupCosineLr(9, 100, 1, 10)).toBeCloseTo(1);
    expect(warmupCosineLr(10, 100, 1, 10)).toBeCloseTo(1);
    expect(warmupCosineLr(55, 100, 1, 10)).toBeCloseTo(0.5);
    expect(warmupCosineLr(100, 100, 1, 10, 0.1)).toBeCloseTo(0.1);
  });

  it('takes the global gradient norm over every tensor and scales it down to the clip', () => {
    const p = [param([0, 0, 0, 0, 0], [3, 0, 0, 0, 2]), param([0], [4]), param([], [])];
    expect(new AdamW(p).gradNorm()).toBe(Math.sqrt(29));
    expect(clipScale(Math.sqrt(29), 1) * Math.sqrt(29)).toBeCloseTo(1, 5);
    expect(clipScale(0.5, 1)).toBe(1);
    expect(clipScale(100, 0)).toBe(1);
  });

  it('applies the clip factor as a separate f32 scaling pass would, to the bit', () => {
    const grads = Array.from({ length: 1001 }, (_, i) => Math.sin(i * 7.3) * 10 ** ((i % 9) - 6));
    const values = grads.map((_, i) => Math.cos(i));
    const scaled = param(values, grads);
    const prescaled = param(
      values,
      Array.from(Float32Array.from(grads), (g) => Math.fround(g * 0.37)),
    );
    const [a, b] = [new AdamW([scaled]), new AdamW([prescaled])];
    for (let step = 0; step < 3; step++) {
      scaled.grad.data.set(grads);
      prescaled.grad.data.set(Array.from(Float32Array.from(grads), (g) => Math.fround(g * 0.37)));
      a.step(0.01, 0.37);
      b.step(0.01);
      expect(scaled.grad.data.every((g) => g === 0)).toBe(true); // consumed
    }
    expect(scaled.value.data).toEqual(prescaled.value.data);
  });

  it('makes the same step from parts taken in any order as in one piece', () => {
    const make = (): TrainableParam[] => [
      param(
        Array.from({ length: 1000 }, (_, i) => Math.cos(i)),
        Array.from({ length: 1000 }, (_, i) => Math.sin(i * 3)),
      ),
      param([0.5, 0.25, -1], [1, -1, 0.1], false),
    ];
    const [whole, split] = [make(), make()];
    const [a, b] = [new AdamW(whole), new AdamW(split)];
    for (let step = 0; step < 2; step++) {
      a.step(0.01, 0.5);
      const s = b.next(0.01, 0.5);
      for (const part of [2, 0, 1]) applyAdamW(b.tensors, s, part, 3);
      for (let i = 0; i < 2; i++) {
        expect(split[i].value.data).toEqual(whole[i].value.data);
        split[i].grad.data.set(whole[i].grad.data.map((_, j) => Math.sin(j + step)));
        whole[i].grad.data.set(split[i].grad.data);
      }
    }
  });

  it('takes a first AdamW step of about lr against the gradient, with decoupled decay', () => {
    const p = param([1, -1, 0.5], [0.3, -2, 0]);
    new AdamW([p], { weightDecay: 0.1 }).step(0.01);
    const decayed = (w: number): number => w * (1 - 0.01 * 0.1);
    expect(p.value.data[0]).toBeCloseTo(decayed(1) - 0.01, 5);
    expect(p.value.data[1]).toBeCloseTo(decayed(-1) + 0.01, 5);
    expect(p.value.data[2]).toBeCloseTo(decayed(0.5), 5);
  });
});
