import { PlatformError } from '@platform/common';
import { training } from '@platform/engine';

/** Every training data file of one tuning together (the plan's bound: data is read whole when a job is created). */
export const MAX_TRAINING_DATA_BYTES = 64 << 20;
export const MAX_TRAINING_RECORDS = 1_000_000;

export type TrainingRecord =
  | { input: string; output: string }
  | { messages: { role: string; content: string }[] }
  | { prompt: string | { role: string; content: string }[]; chosen: string; rejected: string };

/** Which record shapes a tuning's data may hold. */
export type RecordShapes = 'input_output' | 'input_output_or_messages' | 'preference';

/**
 * Why one record is not a training record of `shapes`, or the record normalised. The engine's own validators decide,
 * so a job is refused at create for exactly what its trainer would refuse when it runs.
 */
function recordOf(v: unknown, shapes: RecordShapes): TrainingRecord | string {
  try {
    if (shapes === 'preference') {
      const r = training.validatePreferenceRecord(v, 'it');
      return { prompt: r.prompt, chosen: r.chosen, rejected: r.rejected };
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'is not a JSON object';
    if (shapes === 'input_output' && 'messages' in v) return 'needs a string "input" and "output"';
    const r = training.validateTrainingRecord(v, 'it');
    if (training.isInputOutputRecord(r)) return { input: r.input, output: r.output };
    if (!r.messages.some((m) => m.role === 'assistant')) return 'has no assistant message to train on';
    return { messages: r.messages.map((m) => ({ role: m.role, content: m.content })) };
  } catch (err) {
    return (err as Error).message.replace(/^it: /, '');
  }
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
