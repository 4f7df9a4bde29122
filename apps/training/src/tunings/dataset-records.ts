import type { DatasetRow } from '../datasets/dataset-rows';
import type { TrainingRecord } from './training-data';

const isMessages = (v: unknown): v is { role: string; content: string }[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((m) => typeof m === 'object' && m !== null && typeof m.role === 'string' && typeof m.content === 'string');

/**
 * One Llama Stack dataset row as a trainer line, or undefined for a row the objective cannot train on: DPO takes
 * `{prompt, chosen, rejected}` (chosen/rejected a string or a dialog whose last message is the answer); SFT takes a
 * dialog column (`messages`, or `dialog`/`chat_completion_input` with `expected_answer`) or `{input, output}`.
 */
export function datasetRecord(row: DatasetRow, objective: 'sft' | 'dpo'): TrainingRecord | undefined {
  const answer = (v: unknown) => (typeof v === 'string' ? v : isMessages(v) ? v.at(-1)?.content : undefined);
  if (objective === 'dpo') {
    const chosen = answer(row.chosen);
    const rejected = answer(row.rejected);
    const prompt = typeof row.prompt === 'string' || isMessages(row.prompt) ? row.prompt : undefined;
    return prompt !== undefined && chosen !== undefined && rejected !== undefined ? { prompt, chosen, rejected } : undefined;
  }
  for (const col of ['messages', 'dialog'])
    if (isMessages(row[col]))
      return { messages: (row[col] as { role: string; content: string }[]).map((m) => ({ role: m.role, content: m.content })) };
  if (isMessages(row.chat_completion_input) && typeof row.expected_answer === 'string')
    return {
      messages: [
        ...row.chat_completion_input.map((m) => ({ role: m.role, content: m.content })),
        { role: 'assistant', content: row.expected_answer },
      ],
    };
  if (typeof row.input === 'string' && typeof row.output === 'string') return { input: row.input, output: row.output };
  return undefined;
}
