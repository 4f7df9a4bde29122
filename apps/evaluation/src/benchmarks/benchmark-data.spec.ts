import { describe, expect, it } from 'vitest';
import { better } from '../pipeline/evaluate-trained-model';
import { branchQuestions } from './mt-bench-branch';
import { parseCsv } from './mmlu/csv';
import { STARTER_MMLU_DIR, loadMmlu } from './mmlu/mmlu-data';
import { mmluPrompt, pickChoice } from './mmlu/mmlu-prompt';
import { loadMtBench } from './mt-bench/mt-bench-data';
import type { MtBenchRun } from './mt-bench/run-mt-bench';

describe('MMLU data and prompt', () => {
  it('parses RFC 4180 CSV with quotes, commas and newlines in fields', () => {
    expect(parseCsv('a,"b, c","say ""hi""\nthere",D\r\n\nx,y,z,A')).toEqual([
      ['a', 'b, c', 'say "hi"\nthere', 'D'],
      ['x', 'y', 'z', 'A'],
    ]);
  });

  it('loads the shipped set in the standard layout', () => {
    const tasks = loadMmlu(STARTER_MMLU_DIR);
    expect(tasks.map((t) => t.name)).toEqual(['mmlu_elementary_mathematics', 'mmlu_elementary_science', 'mmlu_world_geography']);
    for (const t of tasks) {
      expect(t.fewShot).toHaveLength(5);
      expect(t.items).toHaveLength(10);
      for (const i of t.items) expect(i.choices).toHaveLength(4);
    }
    expect(loadMmlu(STARTER_MMLU_DIR, { subjects: ['world_geography'], limit: 2 })[0].items).toHaveLength(2);
  });

  it('writes the lm-evaluation-harness prompt and picks the argmax, earlier letter on ties', () => {
    const [t] = loadMmlu(STARTER_MMLU_DIR, { subjects: ['elementary_mathematics'] });
    const p = mmluPrompt(t.subject, t.fewShot, t.items[0], 1);
    expect(p).toBe(
      'The following are multiple choice questions (with answers) about elementary mathematics.\n\nWhat is 2 + 3?\nA. 4\nB. 5\nC. 6\nD. 7\nAnswer: B\n\nWhat is 7 + 8?\nA. 14\nB. 16\nC. 15\nD. 13\nAnswer:',
    );
    expect(pickChoice([-3, -1, -2, -1])).toBe(1);
  });
});

describe('MT-Bench questions', () => {
  it('spreads a limited run over the categories and attaches reference answers', () => {
    const qs = loadMtBench(8);
    expect(new Set(qs.map((q) => q.category)).size).toBe(8);
    expect(qs.every((q) => q.turns.length === 2)).toBe(true);
    expect(qs.find((q) => q.category === 'math')?.reference?.length).toBe(2);
    expect(loadMtBench()).toHaveLength(80);
  });

  it('builds one branch question per skill seed example, as InstructLab does', () => {
    const qs = branchQuestions([
      {
        path: 'compositional_skills/a/qna.yaml',
        qnaYaml:
          'version: 2\ntask_description: t\ncreated_by: x\nseed_examples:\n  - question: Q1?\n    answer: A1\n  - context: Some text\n    question: Q2?\n    answer: A2\n  - question: only a question\n',
      },
      { path: 'compositional_skills/broken/qna.yaml', qnaYaml: ': : :' },
    ]);
    expect(qs.map((q) => [q.turns[0], q.reference?.[0], q.qna_file, q.category])).toEqual([
      ['Q1?', 'A1', 'compositional_skills/a/qna.yaml', 'taxonomy'],
      ['Given the context below:\nSome text\nAnswer the following question: Q2?', 'A2', 'compositional_skills/a/qna.yaml', 'taxonomy'],
    ]);
    expect(qs[0].question_id).toMatch(/^\d+$/);
  });
});

describe('best candidate', () => {
  const c = (epoch: number, overall: number, error: number) => ({
    candidate: { phase: 2, epoch, objectPrefix: `p${epoch}/` },
    run: {
      answers: [],
      judgments: [],
      metrics: { overall_average: overall, error_rate: error, scores: { turn_one: 0, turn_two: 0 } },
    } as MtBenchRun,
  });

  it('prefers the higher MT-Bench average, then fewer errors, then the later checkpoint', () => {
    expect(better(c(1, 6, 0.5), c(2, 5, 0))).toBe(true);
    expect(better(c(1, 5, 0.1), c(2, 5, 0.2))).toBe(true);
    expect(better(c(3, 0, 1), c(2, 0, 1))).toBe(true);
    expect(better(c(1, 0, 1), c(2, 0, 1))).toBe(false);
  });
});
