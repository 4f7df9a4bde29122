import { describe, expect, it } from 'vitest';
import { bestOf, clozePrompt, pickCloze } from './mmlu-branch';
import type { McqRun } from './mmlu/run-mcq';

const item = { question: ' How old is the Sun? ', choices: ['About 4.6 billion years.', 'Hot plasma.', 'G.', 'The Sun.'], answer: 0 };

const run = (task: string, accuracy: number | undefined, errors = 0): McqRun => ({
  tasks: [{ task, accuracy, answered: accuracy === undefined ? 0 : 4, errors }],
  answers: [{ task, index: 0, shots: 0, logprobs: [-1, -2, -3, -4], picked: 0, answer: 0, correct: true }],
});

describe('MMLU-branch formulations', () => {
  it('asks the cloze question without the options', () => {
    expect(clozePrompt('knowledge science sun', item)).toBe(
      'The following are questions (with answers) about knowledge science sun.\n\nQuestion: How old is the Sun?\nAnswer:',
    );
  });

  it('picks the cloze option by log-likelihood per character', () => {
    // The long right answer has the lowest total but the best per-character log-likelihood.
    expect(pickCloze(item, [-12, -6, -3, -4])).toBe(0);
    expect(pickCloze(item, [-48, -6, -0.5, -4])).toBe(2);
  });

  it('reports the better formulation per task and keeps the answers of both', () => {
    const letters = run('sun', 0.32, 1);
    const cloze = run('sun', 0.58, 2);
    const best = bestOf(letters, cloze);
    expect(best.tasks).toEqual([
      { task: 'sun', accuracy: 0.58, answered: 4, errors: 3, formulation: 'cf', mcf_accuracy: 0.32, cf_accuracy: 0.58 },
    ]);
    expect(best.answers.map((a) => a.formulation)).toEqual(['mcf', 'cf']);
    // Ties and unscored cloze runs keep InstructLab's letter format.
    expect(bestOf(run('sun', 0.5), run('sun', 0.5)).tasks[0]).toMatchObject({ accuracy: 0.5, formulation: 'mcf' });
    expect(bestOf(run('sun', 0.25), run('sun', undefined)).tasks[0]).toMatchObject({ accuracy: 0.25, formulation: 'mcf' });
    expect(bestOf(run('sun', undefined), run('sun', 0.25)).tasks[0]).toMatchObject({ accuracy: 0.25, formulation: 'cf' });
  });
});
