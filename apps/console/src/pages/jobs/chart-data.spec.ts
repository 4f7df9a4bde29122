import { describe, expect, it } from 'vitest';
import type { ModelMetricsJson } from '@platform/api-types';
import { addLossPoint, branchDeltas, lossData, mergeLossHistory, mmluSubjects, mtBenchTurns } from './chart-data';
import { fileNameOf, formatBytes } from './download';

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

describe('mergeLossHistory', () => {
  const pt = (phase: number, step: number, loss: number) => ({ phase, epoch: 1, step, loss });
  it('draws a finished job from its log alone, in phase and step order', () => {
    expect(mergeLossHistory([], [pt(2, 1, 0.4), pt(1, 2, 0.8), pt(1, 1, 0.9)])).toEqual([pt(1, 1, 0.9), pt(1, 2, 0.8), pt(2, 1, 0.4)]);
  });
  it('lets a logged step replace the polled one and keeps steps only seen live', () => {
    const live = [pt(1, 2, 0.85), pt(1, 5, 0.5)];
    expect(mergeLossHistory(live, [pt(1, 1, 0.9), pt(1, 2, 0.8)])).toEqual([pt(1, 1, 0.9), pt(1, 2, 0.8), pt(1, 5, 0.5)]);
    expect(mergeLossHistory(live, [])).toBe(live);
  });
});

describe('artifact files', () => {
  it('saves under the last path segment and shows sizes in binary units', () => {
    expect(fileNameOf('artifacts/phase1/epoch-1/model.safetensors')).toBe('model.safetensors');
    expect(fileNameOf('run.log')).toBe('run.log');
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 1024 * 1024), formatBytes(300 * 1024 ** 3)]).toEqual([
      '0 B',
      '1023 B',
      '1.5 KiB',
      '5.0 MiB',
      '300 GiB',
    ]);
  });
});
