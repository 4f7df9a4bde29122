import { describe, expect, it } from 'vitest';
import { AdamW, clipGradNorm, type TrainableParam } from './optimizer';
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

  it('clips the global gradient norm', () => {
    const p = [param([0, 0], [3, 0]), param([0], [4])];
    expect(clipGradNorm(p, 1)).toBeCloseTo(5);
    expect(clipGradNorm(p, 0)).toBeCloseTo(1, 4);
  });

  it('takes a first AdamW step of about lr against the gradient, with decoupled decay', () => {
    const p = param([1, -1, 0.5], [0.3, -2, 0]);
    new AdamW({ weightDecay: 0.1 }).step([p], 0.01);
    const decayed = (w: number): number => w * (1 - 0.01 * 0.1);
    expect(p.value.data[0]).toBeCloseTo(decayed(1) - 0.01, 5);
    expect(p.value.data[1]).toBeCloseTo(decayed(-1) + 0.01, 5);
    expect(p.value.data[2]).toBeCloseTo(decayed(0.5), 5);
  });
});
