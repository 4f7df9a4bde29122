import { asText, rng, type Row } from '../pipelines/engine/row';

/** One line of `mmlubench_<leaf>.jsonl`. */
export interface MmluItem {
  question: string;
  choices: [string, string, string, string];
  answer: number;
  subject: string;
}

const LETTERS = ['A', 'B', 'C', 'D'];

/**
 * InstructLab's post-filter of teacher-written items: the question holds `A)`, the answer holds `)`, the options
 * are the `X) …` lines, exactly four of them, and the answer letter is one of A–D.
 */
export function parseMcq(questionText: string, answerText: string, subject: string): MmluItem | undefined {
  if (!questionText.includes('A)') || !answerText.includes(')')) return undefined;
  const letter = answerText.slice(0, answerText.indexOf(')')).trim().toUpperCase();
  const choices = Array.from(questionText.matchAll(/\b([A-Z])\) (.+)/g), (m) => m[2].trim());
  const answer = LETTERS.indexOf(letter);
  if (choices.length !== 4 || answer < 0) return undefined;
  const question = questionText.slice(0, questionText.indexOf('A)')).trim();
  if (!question) return undefined;
  return { question, choices: choices as MmluItem['choices'], answer, subject };
}

export interface QaPair {
  question: string;
  answer: string;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Distinct answers (by normalised text), first spelling kept, in order of appearance. */
function distinctAnswers(pairs: QaPair[]): string[] {
  const seen = new Map<string, string>();
  for (const p of pairs) if (!seen.has(norm(p.answer))) seen.set(norm(p.answer), p.answer.trim());
  return [...seen.values()];
}

/**
 * Items assembled from question/answer pairs, for leaves whose teacher cannot write four-option questions in one go:
 * the pair's answer is the right option and three other answers are the wrong ones. The leaf's own seed Q&A (the
 * taxonomy's questions, answered by its document) come first, with the other seed answers as distractors; then the
 * judged generated pairs, with other generated answers as distractors, topped up from the seed answers when the
 * leaf generated fewer than four distinct answers. A question is asked once; an answer never counts as its own
 * distractor (compared case- and space-insensitively), so every item has four distinct options.
 */
export function assembleMcqs(generated: Row[], seedPairs: QaPair[], subject: string, seed: number, limit: number): MmluItem[] {
  const random = rng(seed);
  const pairs = generated
    .map((p) => ({ question: asText(p.question).trim(), answer: asText(p.response).trim() }))
    .filter((p) => p.question && p.answer);
  const seeds = seedPairs.map((p) => ({ question: p.question.trim(), answer: p.answer.trim() })).filter((p) => p.question && p.answer);
  const seedAnswers = distinctAnswers(seeds);
  const generatedAnswers = distinctAnswers(pairs);
  const items: MmluItem[] = [];
  const asked = new Set<string>();
  const add = (pair: QaPair, pools: string[][]) => {
    if (items.length >= limit || asked.has(norm(pair.question))) return;
    const wrong: string[] = [];
    const taken = new Set([norm(pair.answer)]);
    for (const pool of pools)
      for (const a of shuffled(pool, random)) {
        if (wrong.length === 3) break;
        if (taken.has(norm(a))) continue;
        taken.add(norm(a));
        wrong.push(a);
      }
    if (wrong.length < 3) return;
    const answer = Math.floor(random() * 4);
    wrong.splice(answer, 0, pair.answer);
    asked.add(norm(pair.question));
    items.push({ question: pair.question, choices: wrong as MmluItem['choices'], answer, subject });
  };
  for (const p of seeds) add(p, [seedAnswers]);
  for (const p of pairs) add(p, [generatedAnswers, seedAnswers]);
  return items;
}

/** lm-eval task description for one leaf (informational; the evaluation service reads the JSONL). */
export function mmluTaskYaml(slug: string, dataFile: string): string {
  return [
    `task: ${slug}`,
    'tag: mmlu_pr',
    'dataset_path: json',
    'dataset_name: null',
    'dataset_kwargs:',
    '  data_files:',
    `    test: ${dataFile}`,
    'test_split: test',
    'output_type: multiple_choice',
    'doc_to_text: "{{question.strip()}}\\nA. {{choices[0]}}\\nB. {{choices[1]}}\\nC. {{choices[2]}}\\nD. {{choices[3]}}\\nAnswer:"',
    'doc_to_choice: ["A", "B", "C", "D"]',
    'doc_to_target: answer',
    'metric_list:',
    '  - metric: acc',
    '    aggregation: mean',
    '    higher_is_better: true',
    '',
  ].join('\n');
}
