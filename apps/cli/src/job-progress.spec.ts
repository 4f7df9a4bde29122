import { describe, expect, it } from 'vitest';
import { isTerminal, progressLine, progressOf, progressText } from './job-progress';

describe('progressOf', () => {
  it('reads the progress fields of a running job', () => {
    expect(
      progressOf({ status: 'running', state: 'generating', progress: { stage: 'knowledge', done: 3, total: 12, samples: 40 } }),
    ).toEqual({
      status: 'running',
      stage: 'knowledge',
      done: 3,
      total: 12,
      samples: 40,
    });
  });

  it('falls back to the state, and to no total, when the job reports no counts', () => {
    expect(progressOf({ status: 'queued', state: '' })).toEqual({ status: 'queued', stage: '', done: 0, total: 0 });
    expect(progressOf({ status: 'running', state: 'training' })).toMatchObject({ stage: 'training', total: 0 });
  });

  it('never shows more done than total, and shows a completed job as full', () => {
    expect(progressOf({ status: 'running', progress: { done: 15, total: 10 } })).toMatchObject({ done: 10, total: 10 });
    expect(progressOf({ status: 'running', progress: { done: -1, total: Number.NaN } })).toMatchObject({ done: 0, total: 0 });
    expect(progressOf({ status: 'completed', progress: { done: 7, total: 10 } })).toMatchObject({ done: 10, total: 10 });
    expect(progressOf({ status: 'completed' })).toMatchObject({ done: 1, total: 1 });
  });
});

describe('progressOf for training jobs', () => {
  it('counts the epochs before the running one over both phases', () => {
    expect(
      progressOf({ status: 'running', state: 'training', progress: { phase: 1, epoch: 1, epochs: 3, step: 10, loss: 2.3456 } }),
    ).toEqual({
      status: 'running',
      stage: 'phase 1 epoch 1/3 loss 2.346',
      done: 0,
      total: 6,
    });
    expect(progressOf({ status: 'running', progress: { phase: 2, epoch: 2, epochs: 3 } })).toMatchObject({
      done: 4,
      total: 6,
      stage: 'phase 2 epoch 2/3',
    });
    expect(progressOf({ status: 'running', state: 'evaluating', progress: { phase: 0, epoch: 0, epochs: 0 } })).toMatchObject({
      total: 0,
      stage: 'evaluating',
    });
  });
});

describe('progressText', () => {
  it('says how far a running job is, and nothing once it ended', () => {
    expect(progressText({ status: 'running', progress: { stage: 'knowledge', done: 1, total: 4, samples: 3 } })).toBe(
      '1/4 (25%) knowledge, 3 samples',
    );
    expect(progressText({ status: 'queued' })).toBeUndefined();
    expect(progressText({ status: 'completed', progress: { done: 4, total: 4 } })).toBeUndefined();
  });
});

describe('isTerminal', () => {
  it('is true for completed, failed and canceled only', () => {
    expect(['queued', 'running', 'completed', 'failed', 'canceled', undefined].map((status) => isTerminal({ status }))).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('progressLine', () => {
  it('names the job, status, stage, counts and samples', () => {
    expect(progressLine('data d1', { status: 'running', stage: 'skills', done: 1, total: 4, samples: 9 })).toBe(
      'data d1  running  skills  1/4 (25%)  9 samples',
    );
    expect(progressLine('data d1', { status: 'queued', stage: '', done: 0, total: 0 })).toBe('data d1  queued');
  });
});
