import { open } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { PlatformError } from '@platform/common';
import { training } from '@platform/engine';
import { ArrayShapeError, RecordRefusal, recordTexts } from './record-texts';

/** Every training data file of one tuning together (the plan's bound: data is read whole when a job is created). */
export const MAX_TRAINING_DATA_BYTES = 64 << 20;
export const MAX_TRAINING_RECORDS = 1_000_000;
/** The event loop gets a turn once this long has passed since the last; one record's parse is bounded apart. */
const TURN_MS = 10;
/** Records written per write call. */
const WRITE_SLICE = 1000;

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
 * naming `field` and where it is (record index or line number); no records is one too. Records are parsed one at a
 * time, with a turn of the event loop every TURN_MS, so a large file never stalls the service's other requests.
 */
export async function parseTrainingRecords(text: string, shapes: RecordShapes, field: string): Promise<TrainingRecord[]> {
  const body = text.replace(/^\uFEFF/, '');
  const out: TrainingRecord[] = [];
  let turnAt = performance.now();
  try {
    for (const record of recordTexts(body)) {
      if (performance.now() - turnAt >= TURN_MS) {
        await setImmediate();
        turnAt = performance.now();
      }
      if (record === null) continue;
      const { where, json } = record;
      let v: unknown;
      try {
        v = JSON.parse(json);
      } catch (err) {
        throw PlatformError.invalid(
          where.startsWith('line')
            ? `${field} is neither a JSON array nor JSON Lines: ${where} is not valid JSON.`
            : `${field}: ${where} is not valid JSON (${(err as Error).message}).`,
          field,
        );
      }
      const r = recordOf(v, shapes);
      if (typeof r === 'string') throw PlatformError.invalid(`${field}: ${where} ${r}.`, field);
      if (out.length >= MAX_TRAINING_RECORDS) throw PlatformError.invalid(`${field}: more than ${MAX_TRAINING_RECORDS} records.`, field);
      out.push(r);
    }
  } catch (err) {
    if (err instanceof ArrayShapeError) throw PlatformError.invalid(`${field} is not valid JSON: ${err.message}.`, field);
    if (err instanceof RecordRefusal) throw PlatformError.invalid(`${field}: ${err.message}.`, field);
    throw err;
  }
  if (out.length === 0) throw PlatformError.invalid(`${field} holds no training records.`, field);
  return out;
}

/** Shapes of a kind's data: prompt tuning trains on {input, output}; fine tunings also on InstructLab {messages}. */
export function recordShapes(kind: 'fine_tuning' | 'prompt_tuning' | 'post_training', objective: 'sft' | 'dpo'): RecordShapes {
  if (objective === 'dpo') return 'preference';
  return kind === 'prompt_tuning' ? 'input_output' : 'input_output_or_messages';
}

/** Writes the records as JSON Lines, WRITE_SLICE at a time, so a large file does not hold the event loop either. */
export async function writeJsonl(path: string, records: readonly TrainingRecord[]): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let i = 0; i < records.length; i += WRITE_SLICE)
      await file.write(
        records
          .slice(i, i + WRITE_SLICE)
          .map((r) => `${JSON.stringify(r)}\n`)
          .join(''),
      );
  } finally {
    await file.close();
  }
}
