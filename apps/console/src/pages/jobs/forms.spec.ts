import { describe, expect, it } from 'vitest';
import { INSTRUCTLAB_NAME } from '@platform/common';
import { leafRows, mergeLeafProgress, percentDone, progressOf } from './data-progress';
import { intProblem, nameProblem } from './job-status';

describe('job form checks', () => {
  it('accepts exactly the names the gateway accepts (its INSTRUCTLAB_NAME rule)', () => {
    // The last: the near-miss on which the seed's form of the rule backtracks for seconds (the linear form is used).
    for (const name of [
      'a',
      'my-data',
      'my_data-2',
      'x'.repeat(32),
      '',
      'x'.repeat(33),
      '-a',
      'a-',
      'a--b',
      'a b',
      'é',
      `${'a'.repeat(31)}!`,
    ])
      expect(nameProblem(name) === undefined, name).toBe(INSTRUCTLAB_NAME.test(name));
  });

  it('takes an empty number field as the default and says the range otherwise', () => {
    expect(intProblem('', 1, 50)).toBeUndefined();
    expect(intProblem('3', 1, 50)).toBeUndefined();
    expect(intProblem('51', 1, 50)).toBe('Between 1 and 50.');
    expect(intProblem('1.5', 1, 50)).toBe('A whole number.');
  });
});

describe('data job progress', () => {
  it('reads an sdg.job.progress event and its share done', () => {
    const p = progressOf({
      id: '1',
      type: 'sdg.job.progress',
      version: 1,
      occurred_at: '',
      resource_type: 'data',
      resource_id: 'd',
      data: { stage: 'generating', done: 3, total: 12, samples: 9 },
    });
    expect(p).toEqual({ stage: 'generating', done: 3, total: 12, samples: 9 });
    expect(percentDone(p)).toBe(25);
    expect(percentDone({ stage: 'preparing', done: 0, total: 0, samples: 0 })).toBeUndefined();
  });

  it('lists every leaf with its samples and tokens', () => {
    const phases = { phase_1_knowledge: 0, phase_2_skills: 0 };
    const job = {
      data_metrics: {
        samples: { 'b/qna.yaml': 4 },
        tokens: {
          data_tokens_total: 9,
          data_leaf_nodes: { 'a/qna.yaml': 5, 'b/qna.yaml': 4 },
          training_estimated: 0,
          training_phases: phases,
        },
      },
    };
    expect(leafRows(job, [{ path: 'c/qna.yaml', kind: 'knowledge' }])).toEqual([
      { leaf: 'a/qna.yaml', kind: undefined, samples: undefined, tokens: 5 },
      { leaf: 'b/qna.yaml', kind: undefined, samples: 4, tokens: 4 },
      { leaf: 'c/qna.yaml', kind: 'knowledge', samples: undefined, tokens: undefined },
    ]);
    // While the run generates, the taxonomy's leaves are listed with nothing yet.
    expect(leafRows({}, [{ path: 'c/qna.yaml', kind: 'freeform_skill' }])).toEqual([
      { leaf: 'c/qna.yaml', kind: 'freeform_skill', samples: undefined, tokens: undefined },
    ]);
  });

  it('follows each leaf live: an event naming some leaves keeps the others at their last report', () => {
    const event = (leaves: unknown) =>
      progressOf({
        id: '2',
        type: 'sdg.job.progress',
        version: 1,
        occurred_at: '',
        resource_type: 'data',
        resource_id: 'd',
        data: { stage: 'generating', done: 1, total: 4, samples: 2, leaves },
      });
    const a = { leaf: 'a/qna.yaml', batches_done: 1, batches_total: 2, samples: 2 };
    const b = { leaf: 'b/qna.yaml', batches_done: 0, batches_total: 2, samples: 0 };
    // Malformed entries are dropped, not shown.
    expect(event([a, b, { leaf: 3 }, null])?.leaves).toEqual([a, b]);
    let live = mergeLeafProgress({}, event([a, b]));
    live = mergeLeafProgress(live, event([{ ...b, batches_done: 2, samples: 3 }]));
    expect(leafRows({}, [{ path: 'a/qna.yaml', kind: 'knowledge' }], live)).toEqual([
      { leaf: 'a/qna.yaml', kind: 'knowledge', samples: 2, tokens: undefined, batchesDone: 1, batchesTotal: 2 },
      { leaf: 'b/qna.yaml', kind: undefined, samples: 3, tokens: undefined, batchesDone: 2, batchesTotal: 2 },
    ]);
    expect(mergeLeafProgress(live, event(undefined))).toBe(live);
  });
});
