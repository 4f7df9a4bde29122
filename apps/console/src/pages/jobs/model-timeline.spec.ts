import { describe, expect, it } from 'vitest';
import type { PublicEvent } from '@platform/api-types';
import { checkpointsOf, timelineOf } from './model-timeline';

let seq = 0;
const event = (type: string, data: Record<string, unknown>): PublicEvent => ({
  id: String(++seq),
  type,
  version: 1,
  occurred_at: '2026-12-04T00:00:00Z',
  project_id: 'p',
  resource_type: 'model',
  resource_id: 'm',
  data,
});
const saved = (phase: number, epoch: number) =>
  event('training.checkpoint.saved', { phase, epoch, path: `trained_models/m/artifacts/phase${phase}/epoch-${epoch}/` });
const states = (steps: { state: string }[]) => steps.map((s) => s.state);

describe('model job timeline', () => {
  it('is queued before anything ran', () => {
    expect(states(timelineOf({ status: 'queued', state: '' }, []))).toEqual([
      'current',
      'incomplete',
      'incomplete',
      'incomplete',
      'incomplete',
    ]);
  });

  it('shows the epoch, step and loss of the phase training now', () => {
    const steps = timelineOf(
      { status: 'running', state: 'skills', progress: { phase: 2, epoch: 2, epochs: 3, step: 17, loss: 0.51234, tokens_per_second: 9 } },
      [saved(1, 1), saved(2, 1)],
    );
    expect(states(steps)).toEqual(['complete', 'complete', 'current', 'incomplete', 'incomplete']);
    expect(steps[1].detail).toBe('1 epoch saved');
    expect(steps[2].detail).toBe('epoch 2 of 3, step 17, loss 0.5123');
  });

  it('leaves the loss out while a phase has reported none (the API sends null for NaN)', () => {
    const steps = timelineOf(
      {
        status: 'running',
        state: 'knowledge',
        progress: { phase: 1, epoch: 0, epochs: 2, step: 0, loss: null as unknown as number, tokens_per_second: 0 },
      },
      [],
    );
    expect(steps[1].detail).toBe('epoch 0 of 2, step 0');
  });

  it('marks where a failed job stopped, from its events, and the outcome with its reason', () => {
    const steps = timelineOf({ status: 'failed', state: 'failed', failure_reason: 'no judge' }, [
      saved(1, 1),
      saved(2, 1),
      event('training.job.trained', { candidates: [] }),
    ]);
    expect(states(steps)).toEqual(['complete', 'complete', 'complete', 'invalid', 'invalid']);
    expect(steps[4]).toMatchObject({ label: 'Failed', detail: 'no judge' });
  });

  it('completes every step once the model is evaluated', () => {
    const steps = timelineOf({ status: 'completed', state: 'completed' }, [event('evaluation.model.evaluated', {})]);
    expect(states(steps)).toEqual(['complete', 'complete', 'complete', 'complete', 'complete']);
  });
});

describe('checkpoints', () => {
  it('joins saved checkpoints with their phase-1 scores and the best one, in phase and epoch order', () => {
    const best = { phase: 2, epoch: 1, path: 'trained_models/m/artifacts/phase2/epoch-1/' };
    const list = checkpointsOf([
      saved(2, 1),
      saved(1, 2),
      saved(1, 1),
      event('evaluation.checkpoint.evaluated', { phase: 1, epoch: 2, path: 'x', mmlu: { overall_average: 0.41, scores: {} } }),
      event('evaluation.model.evaluated', { best_checkpoint: best, metrics: {} }),
    ]);
    expect(list.map((c) => [c.phase, c.epoch, c.mmlu, c.best])).toEqual([
      [1, 1, undefined, undefined],
      [1, 2, 0.41, undefined],
      [2, 1, undefined, true],
    ]);
    expect(list[0].path).toBe('trained_models/m/artifacts/phase1/epoch-1/');
  });
});
