import type { ModelClient } from '../../clients/model-client';
import { mean, round2 } from '../aggregate';
import type { McqItem, McqTask } from './mmlu-data';
import { CHOICE_CONTINUATIONS, mmluPrompt, pickChoice } from './mmlu-prompt';

export interface McqAnswer {
  task: string;
  index: number;
  shots: number;
  logprobs: number[];
  picked: number;
  answer: number;
  correct: boolean;
  error?: string;
}

export interface McqTaskResult {
  task: string;
  /** Accuracy over the answered questions; undefined when none could be scored. */
  accuracy?: number;
  answered: number;
  errors: number;
}

export interface McqRun {
  tasks: McqTaskResult[];
  answers: McqAnswer[];
}

/** Room left after the prompt for the continuation's tokens. */
const CONTINUATION_ROOM = 4;

/**
 * The most shots (≤ wanted) whose prompt fits the model's context: a small model cannot take five solved examples,
 * and a prompt the server refuses would score nothing at all. The shots used are recorded with each answer.
 */
async function fitShots(
  client: ModelClient,
  modelId: string,
  task: McqTask,
  item: McqItem,
  wanted: number,
  maxLen: number | undefined,
): Promise<number> {
  if (maxLen === undefined) return wanted;
  for (let shots = Math.min(wanted, task.fewShot.length); shots > 0; shots--) {
    const tokens = await client.countTokens(modelId, mmluPrompt(task.subject, task.fewShot, item, shots));
    if (tokens + CONTINUATION_ROOM <= maxLen) return shots;
  }
  return 0;
}

/** How one question was scored: the log-likelihood of each choice, the one picked, and the shots in the prompt. */
export interface ScoredItem {
  logprobs: number[];
  picked: number;
  shots: number;
}

/**
 * Every task's questions through `score`, in order: accuracy per task over the questions that could be scored, and
 * every answer (a question whose scoring failed is recorded with its error and counts in `errors`).
 */
export async function scoreTasks(
  tasks: readonly McqTask[],
  score: (task: McqTask, item: McqItem) => Promise<ScoredItem>,
  onItem?: () => void,
): Promise<McqRun> {
  const answers: McqAnswer[] = [];
  const results: McqTaskResult[] = [];
  for (const task of tasks) {
    const correct: number[] = [];
    let errors = 0;
    for (const [index, item] of task.items.entries()) {
      onItem?.();
      try {
        const { logprobs, picked, shots } = await score(task, item);
        correct.push(picked === item.answer ? 1 : 0);
        answers.push({ task: task.name, index, shots, logprobs, picked, answer: item.answer, correct: picked === item.answer });
      } catch (err) {
        errors++;
        answers.push({
          task: task.name,
          index,
          shots: 0,
          logprobs: [],
          picked: -1,
          answer: item.answer,
          correct: false,
          error: (err as Error).message,
        });
      }
    }
    const acc = mean(correct);
    results.push({ task: task.name, accuracy: acc === undefined ? undefined : round2(acc), answered: correct.length, errors });
  }
  return { tasks: results, answers };
}

/**
 * Multiple choice by log-likelihood (lm-evaluation-harness `output_type: multiple_choice`, metric `acc`): the
 * choice letter with the highest log-probability after the k-shot prompt is the model's answer.
 */
export async function runMcq(
  client: ModelClient,
  modelId: string,
  tasks: readonly McqTask[],
  o: { shots: number; onItem?: () => void },
): Promise<McqRun> {
  const maxLen = await client.maxSequenceLength(modelId);
  return scoreTasks(
    tasks,
    async (task, item) => {
      const shots = await fitShots(client, modelId, task, item, o.shots, maxLen);
      const logprobs = await client.loglikelihoods(modelId, mmluPrompt(task.subject, task.fewShot, item, shots), CHOICE_CONTINUATIONS);
      return { logprobs, picked: pickChoice(logprobs), shots };
    },
    o.onItem,
  );
}
