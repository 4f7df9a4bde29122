import { describe, expect, it } from 'vitest';
import { compareBranch, errorRate, mean, round2 } from './aggregate';
import { mtBenchMetrics } from './mt-bench/run-mt-bench';
import type { MtJudgment } from './mt-bench/answer-and-judge';
import { mmluMetrics } from './mmlu/mmlu-metrics';

const j = (turn: number, score?: number): MtJudgment => ({
  question_id: 1,
  model: 'm',
  judge: 'j',
  turn,
  prompt: 'single-v1',
  judgment: '',
  score,
  error: score === undefined ? 'no rating' : undefined,
});

describe('branch comparison (InstructLab report)', () => {
  it('splits tasks by the sign of trained − base, rounded to two decimals', () => {
    const base = new Map([
      ['a', 0.5],
      ['b', 0.75],
      ['c', 0.4],
      ['only-base', 1],
    ]);
    const trained = new Map([
      ['a', 0.8],
      ['b', 0.5],
      ['c', 0.4],
      ['new', 0.9],
    ]);
    expect(compareBranch(base, trained, 0.125)).toEqual({
      improvements: { a: 0.3 },
      regressions: { b: -0.25 },
      no_change: { c: 0 },
      error_rate: 0.13,
    });
  });

  it('compares exactly, without a threshold', () => {
    expect(compareBranch(new Map([['a', 7]]), new Map([['a', 7.001]]), 0).improvements).toEqual({ a: 0 });
  });
});

describe('MT-Bench aggregation', () => {
  it('drops unrated judgments from the averages and counts them in error_rate', () => {
    expect(mtBenchMetrics([j(1, 8), j(1, 6), j(2, 4), j(2)])).toEqual({
      error_rate: 0.25,
      overall_average: 6,
      scores: { turn_one: 7, turn_two: 4 },
    });
  });

  it('reports 0 averages and error_rate 1 when nothing was rated', () => {
    expect(mtBenchMetrics([j(1), j(2)])).toEqual({ error_rate: 1, overall_average: 0, scores: { turn_one: 0, turn_two: 0 } });
  });
});

describe('MMLU aggregation', () => {
  it('averages subjects unweighted and leaves unscored subjects out', () => {
    const m = mmluMetrics({
      answers: [],
      tasks: [
        { task: 'mmlu_a', accuracy: 1, answered: 1, errors: 0 },
        { task: 'mmlu_b', accuracy: 0.5, answered: 10, errors: 0 },
        { task: 'mmlu_c', accuracy: undefined, answered: 0, errors: 3 },
      ],
    });
    expect(m).toEqual({ overall_average: 0.75, scores: { mmlu_a: 1, mmlu_b: 0.5 } });
  });
});

describe('helpers', () => {
  it('rounds, averages and rates errors', () => {
    expect(round2(2 / 3)).toBe(0.67);
    expect(mean([])).toBeUndefined();
    expect(mean([1, 2])).toBe(1.5);
    expect(errorRate(0, 0)).toBe(0);
    expect(errorRate(1, 4)).toBe(0.25);
  });
});
