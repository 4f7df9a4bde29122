import type { McqItem } from './mmlu-data';

/** The continuations scored after `Answer:`, as lm-evaluation-harness's MMLU task does. */
export const CHOICE_CONTINUATIONS = [' A', ' B', ' C', ' D'];

function block(item: McqItem): string {
  return `${item.question.trim()}\n${item.choices.map((c, i) => `${'ABCD'[i]}. ${c.trim()}`).join('\n')}\nAnswer:`;
}

/** lm-evaluation-harness's MMLU prompt: description line, `shots` solved examples, then the question. */
export function mmluPrompt(subject: string, fewShot: readonly McqItem[], item: McqItem, shots: number): string {
  const examples = fewShot.slice(0, shots).map((s) => `${block(s)} ${'ABCD'[s.answer]}\n\n`);
  return `The following are multiple choice questions (with answers) about ${subject}.\n\n${examples.join('')}${block(item)}`;
}

/** The index of the most likely choice; ties go to the earlier letter (argmax's convention). */
export function pickChoice(logprobs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < logprobs.length; i++) if (logprobs[i] > logprobs[best]) best = i;
  return best;
}
