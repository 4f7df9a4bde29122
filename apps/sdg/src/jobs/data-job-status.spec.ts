import { describe, expect, it } from 'vitest';
import { DATA_JOB_STATUSES, canCancel, canClaim, isTerminal, stateOf } from './data-job-status';

const now = new Date('2026-01-01T00:00:10Z');
const past = new Date('2026-01-01T00:00:09Z');
const future = new Date('2026-01-01T00:00:40Z');

describe('data job status', () => {
  it('knows the seed statuses and which of them are final', () => {
    expect(DATA_JOB_STATUSES).toEqual(['queued', 'running', 'completed', 'failed', 'canceled']);
    expect(DATA_JOB_STATUSES.filter(isTerminal)).toEqual(['completed', 'failed', 'canceled']);
  });

  it('cancels only unfinished jobs', () => {
    expect(DATA_JOB_STATUSES.filter(canCancel)).toEqual(['queued', 'running']);
  });

  it('lets a worker claim a queued job, its own running job, or a running one whose lease lapsed', () => {
    expect(canClaim('queued', { owner: null, expiresAt: null }, 'w1', now)).toBe(true);
    expect(canClaim('running', { owner: 'w1', expiresAt: future }, 'w1', now)).toBe(true);
    expect(canClaim('running', { owner: 'w2', expiresAt: past }, 'w1', now)).toBe(true);
    expect(canClaim('running', { owner: 'w2', expiresAt: now }, 'w1', now)).toBe(true);
  });

  it('never lets a second worker take a job whose lease is alive, nor restart a finished one', () => {
    expect(canClaim('running', { owner: 'w2', expiresAt: future }, 'w1', now)).toBe(false);
    for (const s of ['completed', 'failed', 'canceled'] as const)
      expect(canClaim(s, { owner: null, expiresAt: null }, 'w1', now)).toBe(false);
  });

  it('turns a pipeline stage into a state matching ^[a-z]*$', () => {
    expect(stateOf('knowledge/generate-QA 2')).toBe('knowledgegenerateqa');
    expect(stateOf('')).toBe('');
    expect(stateOf('x'.repeat(300))).toHaveLength(100);
    expect(stateOf('Ünïcode_stage')).toMatch(/^[a-z]*$/);
  });
});
