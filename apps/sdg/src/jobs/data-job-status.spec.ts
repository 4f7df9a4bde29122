import { describe, expect, it } from 'vitest';
import { DATA_JOB_STATUSES, canCancel, isTerminal, stateOf } from './data-job-status';

describe('data job status', () => {
  it('knows the seed statuses and which of them are final', () => {
    expect(DATA_JOB_STATUSES).toEqual(['queued', 'running', 'completed', 'failed', 'canceled']);
    expect(DATA_JOB_STATUSES.filter(isTerminal)).toEqual(['completed', 'failed', 'canceled']);
  });

  it('cancels only unfinished jobs', () => {
    expect(DATA_JOB_STATUSES.filter(canCancel)).toEqual(['queued', 'running']);
  });

  it('turns a pipeline stage into a state matching ^[a-z]*$', () => {
    expect(stateOf('knowledge/generate-QA 2')).toBe('knowledgegenerateqa');
    expect(stateOf('')).toBe('');
    expect(stateOf('x'.repeat(300))).toHaveLength(100);
    expect(stateOf('Ünïcode_stage')).toMatch(/^[a-z]*$/);
  });
});
