import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MT_BENCH_DIR } from '../../judge/judge-prompts';

export interface MtQuestion {
  question_id: number | string;
  category: string;
  turns: string[];
  /** Reference answers per turn (math, reasoning, coding; the seed answer for branch questions). */
  reference?: string[];
}

/** FastChat's NEED_REF_CATS (plus `taxonomy`, the branch questions). */
export const NEEDS_REFERENCE = new Set(['math', 'reasoning', 'coding', 'arena-hard-200', 'taxonomy']);

/** FastChat / InstructLab answer temperatures by category. */
export function categoryTemperature(category: string): number {
  if (category === 'writing' || category === 'roleplay') return 0.7;
  if (['extraction', 'math', 'coding', 'reasoning'].includes(category)) return 0;
  if (category === 'stem' || category === 'humanities') return 0.1;
  return 0.7;
}

const jsonl = <T>(file: string): T[] =>
  readFileSync(join(MT_BENCH_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/**
 * The shipped questions with their GPT-4 reference answers. `limit` takes that many, spread over the categories
 * (one of each in turn), so a short CPU run still sees every kind of question.
 */
export function loadMtBench(limit?: number): MtQuestion[] {
  const refs = new Map(
    jsonl<{ question_id: number; choices: { turns: string[] }[] }>('reference_answer_gpt-4.jsonl').map((r) => [
      r.question_id,
      r.choices[0]?.turns ?? [],
    ]),
  );
  const questions = jsonl<MtQuestion>('question.jsonl').map((q) => ({ ...q, reference: refs.get(q.question_id as number) }));
  if (!limit || limit >= questions.length) return questions;
  const byCategory = new Map<string, MtQuestion[]>();
  for (const q of questions) byCategory.set(q.category, [...(byCategory.get(q.category) ?? []), q]);
  const picked: MtQuestion[] = [];
  for (let round = 0; picked.length < limit; round++) {
    for (const qs of byCategory.values()) if (qs[round] && picked.length < limit) picked.push(qs[round]);
  }
  return picked;
}
