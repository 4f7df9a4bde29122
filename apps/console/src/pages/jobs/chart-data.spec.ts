import { describe, expect, it } from 'vitest';
import type { ModelMetricsJson } from '@platform/api-types';
import { addLossPoint, branchDeltas, lossData, mmluSubjects, mtBenchTurns } from './chart-data';

const tokens = { training_estimated: 0, training_total: 0, training_phases: { phase_1_knowledge: 0, phase_2_skills: 0 } };

describe('chart data', () => {
  it('lists MMLU subjects without their prefix, best first', () => {
    const m: ModelMetricsJson = { tokens, mmlu: { overall_average: 0.5, scores: { mmlu_astronomy: 0.4, mmlu_anatomy: 0.6 } } };
    expect(mmluSubjects(m)).toEqual([
      { group: 'accuracy', key: 'anatomy', value: 0.6 },
      { group: 'accuracy', key: 'astronomy', value: 0.4 },
    ]);
  });

  it('groups branch deltas as improvement, regression and no change', () => {
    const rows = branchDeltas({ improvements: { a: 0.2 }, regressions: { b: -0.1 }, no_change: { c: 0 }, error_rate: 0 });
    expect(rows).toEqual([
      { group: 'improvement', key: 'a', value: 0.2 },
      { group: 'regression', key: 'b', value: -0.1 },
      { group: 'no change', key: 'c', value: 0 },
    ]);
    expect(branchDeltas(undefined)).toEqual([]);
  });

  it('draws both MT-Bench turns', () => {
    const m: ModelMetricsJson = { tokens, mt_bench: { error_rate: 1, overall_average: 0, scores: { turn_one: 3, turn_two: 4 } } };
    expect(mtBenchTurns(m).map((d) => [d.key, d.value])).toEqual([
      ['turn one', 3],
      ['turn two', 4],
    ]);
  });

  it('adds each training step once, in phase and step order, and skips reports without a loss', () => {
    const p = (phase: number, step: number, loss: number) => ({ phase, epoch: 1, epochs: 1, step, loss, tokens_per_second: 0 });
    let points = addLossPoint([], p(2, 3, 0.5));
    points = addLossPoint(points, p(1, 7, 0.9));
    points = addLossPoint(points, p(1, 7, 0.9));
    points = addLossPoint(points, p(1, 8, null as unknown as number));
    points = addLossPoint(points, undefined);
    expect(lossData(points)).toEqual([
      { group: 'phase 1', key: 7, value: 0.9 },
      { group: 'phase 2', key: 3, value: 0.5 },
    ]);
  });
});
