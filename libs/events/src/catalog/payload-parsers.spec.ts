import { describe, expect, it } from 'vitest';
import { PermanentEventError } from '../errors';
import { parseModelEvaluated, parseModelEvaluationFailed, parseCheckpointEvaluated } from './evaluation-events';
import { parseModelMetrics } from './model-metrics';
import { parseCheckpointSaved, parseJobTrained } from './training-events';

const branch = { improvements: { 'a/qna.yaml': 1.5 }, regressions: {}, no_change: { 'b/qna.yaml': 0 }, error_rate: 0 };
const METRICS = {
  mmlu: { overall_average: 0.51, scores: { mmlu_abstract_algebra: 0.3 } },
  mmlu_branch: branch,
  mt_bench: { error_rate: 0.01, overall_average: 6.86, scores: { turn_one: 7.25, turn_two: 6.47 } },
  mt_bench_branch: branch,
};
const EVALUATED = {
  modelId: 'm1',
  projectId: 'p1',
  bestCheckpoint: { phase: 2, epoch: 3, objectPrefix: 'trained_models/m1/artifacts/phase2/epoch-3' },
  metrics: METRICS,
};

describe('event payload parsers', () => {
  it('reads model metrics as the typed value, dropping nothing of the four benchmarks', () => {
    expect(parseModelMetrics(METRICS, 't')).toEqual(METRICS);
    const parsed = parseModelEvaluated(JSON.parse(JSON.stringify(EVALUATED)));
    expect(parsed.metrics).toEqual(METRICS);
    expect(parsed.bestCheckpoint).toEqual({ phase: 2, epoch: 3, objectPrefix: 'trained_models/m1/artifacts/phase2/epoch-3/' });
  });

  it('rejects malformed metrics as poison, naming the event and the field', () => {
    const bad = (metrics: unknown) => () => parseModelEvaluated({ ...EVALUATED, metrics });
    expect(bad(undefined)).toThrow(PermanentEventError);
    expect(bad({ ...METRICS, mmlu: { overall_average: 'high', scores: {} } })).toThrow(
      'evaluation.model.evaluated: overall_average must be a finite number',
    );
    expect(bad({ ...METRICS, mt_bench: { ...METRICS.mt_bench, scores: { turn_one: 1 } } })).toThrow(/turn_two must be a finite number/);
    expect(bad({ ...METRICS, mmlu_branch: { ...branch, improvements: { x: null } } })).toThrow(/improvements\.x must be a finite number/);
    expect(() => parseModelEvaluated({ ...EVALUATED, bestCheckpoint: { phase: -1, epoch: 0, objectPrefix: 'x' } })).toThrow(/phase/);
  });

  it('checks the other consumed payloads', () => {
    expect(parseModelEvaluationFailed({ modelId: 'm', projectId: 'p', reason: 'judge down' })).toEqual({
      modelId: 'm',
      projectId: 'p',
      reason: 'judge down',
    });
    expect(() => parseModelEvaluationFailed({ modelId: 'm', projectId: 'p' })).toThrow(/reason/);
    expect(
      parseCheckpointEvaluated({ modelId: 'm', projectId: 'p', phase: 1, epoch: 1, objectPrefix: 'x/', mmlu: METRICS.mmlu }).mmlu,
    ).toEqual(METRICS.mmlu);
    expect(parseCheckpointSaved({ modelId: 'm', projectId: 'p', phase: 1, epoch: 2, objectPrefix: 'x' }).objectPrefix).toBe('x/');
    expect(() => parseJobTrained({ modelId: 'm', projectId: 'p', dataId: 'd', taxonomyId: 't', baseModel: 'b', candidates: [] })).toThrow(
      /candidates/,
    );
  });
});
