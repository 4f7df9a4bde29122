import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv } from './csv';

export interface McqItem {
  question: string;
  /** Four choices, A–D. */
  choices: string[];
  /** 0–3 */
  answer: number;
}

export interface McqTask {
  /** The reported name: `mmlu_<subject>` for MMLU, the leaf slug for MMLU-branch tasks. */
  name: string;
  /** Spelled out in the prompt's description line. */
  subject: string;
  fewShot: McqItem[];
  items: McqItem[];
}

/** The set shipped with the service (apps/evaluation/data/mmlu, written for the project). */
export const STARTER_MMLU_DIR = resolve(__dirname, '../../../data/mmlu');

const LETTERS = ['A', 'B', 'C', 'D'];

function readItems(file: string): McqItem[] {
  return parseCsv(readFileSync(file, 'utf8')).map((row, i) => {
    if (row.length < 6) throw new Error(`${file}: row ${i + 1} has ${row.length} columns, expected question,A,B,C,D,answer`);
    const answer = LETTERS.indexOf(row[5].trim());
    if (answer < 0) throw new Error(`${file}: row ${i + 1} answer must be A–D, got ${row[5]}`);
    return { question: row[0], choices: row.slice(1, 5), answer };
  });
}

/**
 * Loads an MMLU directory in the standard layout (`dev/<subject>_dev.csv`, `test/<subject>_test.csv`, no header),
 * e.g. the full 57-subject set, or only `subjects` when given. `limit` caps the questions per subject.
 */
export function loadMmlu(dir: string, opts: { subjects?: string[]; limit?: number } = {}): McqTask[] {
  const testDir = join(dir, 'test');
  if (!existsSync(testDir)) throw new Error(`MMLU directory ${dir} has no test/ folder`);
  const subjects = readdirSync(testDir)
    .filter((f) => f.endsWith('_test.csv'))
    .map((f) => f.slice(0, -'_test.csv'.length))
    .filter((s) => !opts.subjects?.length || opts.subjects.includes(s))
    .sort();
  if (subjects.length === 0) throw new Error(`MMLU directory ${dir} has no matching <subject>_test.csv`);
  return subjects.map((subject) => {
    const devFile = join(dir, 'dev', `${subject}_dev.csv`);
    const items = readItems(join(testDir, `${subject}_test.csv`));
    return {
      name: `mmlu_${subject}`,
      subject: subject.replace(/_/g, ' '),
      fewShot: existsSync(devFile) ? readItems(devFile).slice(0, 5) : [],
      items: opts.limit ? items.slice(0, opts.limit) : items,
    };
  });
}
