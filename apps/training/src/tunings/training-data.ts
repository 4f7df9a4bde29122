import { PlatformError } from '@platform/common';

/** Every training data file of one tuning together (the plan's bound: data is read whole when a job is created). */
export const MAX_TRAINING_DATA_BYTES = 64 << 20;
export const MAX_TRAINING_RECORDS = 1_000_000;

export type TrainingRecord =
  | { input: string; output: string }
  | { messages: { role: string; content: string }[] }
  | { prompt: string | { role: string; content: string }[]; chosen: string; rejected: string };

/** Which record shapes a tuning's data may hold. */
export type RecordShapes = 'input_output' | 'input_output_or_messages' | 'preference';

const ROLES = new Set(['system', 'user', 'assistant', 'pretraining']);

function isMessages(v: unknown): v is { role: string; content: string }[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        typeof (m as { role?: unknown }).role === 'string' &&
        ROLES.has((m as { role: string }).role) &&
        typeof (m as { content?: unknown }).content === 'string',
    )
  );
}

/** Why one record is not a training record of `shapes`, or undefined when it is one (then it is returned normalised). */
function recordOf(v: unknown, shapes: RecordShapes): TrainingRecord | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'is not a JSON object';
  const o = v as Record<string, unknown>;
  if (shapes === 'preference') {
    if (typeof o.prompt !== 'string' && !isMessages(o.prompt)) return 'needs a string (or messages) "prompt"';
    if (typeof o.chosen !== 'string') return 'needs a string "chosen"';
    if (typeof o.rejected !== 'string') return 'needs a string "rejected"';
    return { prompt: o.prompt, chosen: o.chosen, rejected: o.rejected };
  }
  if (shapes === 'input_output_or_messages' && 'messages' in o) {
    if (!isMessages(o.messages)) return 'has "messages" that are not a non-empty array of {role, content} strings';
    if (!o.messages.some((m) => m.role === 'assistant')) return 'has no assistant message to train on';
    return { messages: o.messages.map((m) => ({ role: m.role, content: m.content })) };
  }
  if (typeof o.input !== 'string') return 'needs a string "input"';
  if (typeof o.output !== 'string') return 'needs a string "output"';
  return { input: o.input, output: o.output };
}

/**
 * A training data file: a JSON array of records, or JSON Lines (one record per non-empty line). A bad record is a 400
 * naming `field` and where it is (record index or line number); no records is one too.
 */
export function parseTrainingRecords(text: string, shapes: RecordShapes, field: string): TrainingRecord[] {
  const body = text.replace(/^\uFEFF/, '');
  const out: TrainingRecord[] = [];
  const add = (v: unknown, where: string) => {
    const r = recordOf(v, shapes);
    if (typeof r === 'string') throw PlatformError.invalid(`${field}: ${where} ${r}.`, field);
    if (out.length >= MAX_TRAINING_RECORDS) throw PlatformError.invalid(`${field}: more than ${MAX_TRAINING_RECORDS} records.`, field);
    out.push(r);
  };
  if (body.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw PlatformError.invalid(`${field} is not valid JSON: ${(err as Error).message}.`, field);
    }
    (parsed as unknown[]).forEach((v, i) => add(v, `record ${i}`));
  } else {
    const lines = body.split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        throw PlatformError.invalid(`${field} is neither a JSON array nor JSON Lines: line ${i + 1} is not valid JSON.`, field);
      }
      add(v, `line ${i + 1}`);
    });
  }
  if (out.length === 0) throw PlatformError.invalid(`${field} holds no training records.`, field);
  return out;
}

/** Shapes of a kind's data: prompt tuning trains on {input, output}; fine tunings also on InstructLab {messages}. */
export function recordShapes(kind: 'fine_tuning' | 'prompt_tuning' | 'post_training', objective: 'sft' | 'dpo'): RecordShapes {
  if (objective === 'dpo') return 'preference';
  return kind === 'prompt_tuning' ? 'input_output' : 'input_output_or_messages';
}

export const toJsonl = (records: readonly TrainingRecord[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
