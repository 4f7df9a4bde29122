import { describe, expect, it } from 'vitest';
import { lossSteps, thinSteps } from './loss-history';

const at = (text: string) => `2026-12-04T03:00:00.000Z ${text}`;
const step = (phase: number, epoch: number, s: number, loss: number) =>
  at(JSON.stringify({ phase, step: s, epoch, loss, lr: 0.0001, tokens_per_second: 12 }));

describe('lossSteps', () => {
  it('reads the step records of the run log, skipping events, trainer output and a cut line', () => {
    const log = [
      at(JSON.stringify({ event: 'start', attempt: 1, checkpoints: 0 })),
      at(JSON.stringify({ event: 'phase', phase: 1, epochs: 1 })),
      step(1, 1, 1, 2.5),
      at('trainer: warming up {not json}'),
      step(1, 1, 2, 2.1),
      at(JSON.stringify({ event: 'checkpoint', phase: 1, epoch: 1, objectPrefix: 'x/', globalStep: 2 })),
      step(2, 1, 1, 1.9),
      at('{"phase":2,"step":2,"ep'),
      '',
    ].join('\n');
    expect(lossSteps([log])).toEqual([
      { phase: 1, epoch: 1, step: 1, loss: 2.5 },
      { phase: 1, epoch: 1, step: 2, loss: 2.1 },
      { phase: 2, epoch: 1, step: 1, loss: 1.9 },
    ]);
  });

  it('lets a resumed attempt replace the steps it repeated, in training order', () => {
    const first = [step(1, 1, 1, 3), step(1, 1, 2, 2.8), step(1, 2, 3, 2.6)].join('\n');
    const second = [step(1, 2, 3, 2.4), step(1, 2, 4, 2.2)].join('\n');
    expect(lossSteps([first, second]).map((s) => [s.step, s.loss])).toEqual([
      [1, 3],
      [2, 2.8],
      [3, 2.4],
      [4, 2.2],
    ]);
  });
});

describe('thinSteps', () => {
  it('keeps short runs whole and thins long ones evenly to the bound, first and last kept', () => {
    expect(thinSteps([1, 2, 3], 5)).toEqual([1, 2, 3]);
    const long = Array.from({ length: 10_001 }, (_, i) => i);
    const thin = thinSteps(long, 101);
    expect(thin).toHaveLength(101);
    expect(thin[0]).toBe(0);
    expect(thin.at(-1)).toBe(10_000);
    expect(thin[50]).toBe(5000);
  });
});
