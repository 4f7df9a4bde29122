/**
 * Valid leaves the validation tests start from; each test breaks one thing and checks the reported line.
 * Built from lines so tests can find a line number by its text.
 */
const knowledgeSeed = (n: number) => [
  `  - context: |`,
  `      Fact ${n} about the Sun: it is a star of type G2V.`,
  `    questions_and_answers:`,
  `      - question: What is fact ${n} about?`,
  `        answer: The Sun.`,
  `      - question: What type of star is the Sun, per fact ${n}?`,
  `        answer: G2V.`,
  `      - question: Is the Sun a star, per fact ${n}?`,
  `        answer: "Yes."`,
];

export const KNOWLEDGE_LINES = [
  'version: 3',
  'created_by: tester',
  'domain: astronomy',
  'document_outline: Facts about the Sun',
  'seed_examples:',
  ...[1, 2, 3, 4, 5].flatMap(knowledgeSeed),
  'document:',
  '  repo: https://github.com/example/astronomy-docs',
  '  commit: 0123456789abcdef0123456789abcdef01234567',
  '  patterns:',
  '    - "*.md"',
];

const freeformSeed = (n: number) => [
  `  - question: Write poem number ${n} about the sea.`,
  `    answer: |`,
  `      The sea, poem ${n},`,
  `      is wide and blue.`,
];
const groundedSeed = (n: number) => [
  `  - context: The order number is A-${n}.`,
  `    question: What is the order number?`,
  `    answer: A-${n}.`,
];

export const FREEFORM_SKILL_LINES = [
  'version: 2',
  'created_by: tester',
  'task_description: Write short poems',
  'seed_examples:',
  ...[1, 2, 3, 4, 5].flatMap(freeformSeed),
];
export const GROUNDED_SKILL_LINES = [
  'version: 3',
  'created_by: tester',
  'task_description: Read the order number from the context',
  'seed_examples:',
  ...[1, 2, 3, 4, 5].flatMap(groundedSeed),
];

export const asFile = (lines: readonly string[]) => `${lines.join('\n')}\n`;
export const KNOWLEDGE = asFile(KNOWLEDGE_LINES);
export const FREEFORM_SKILL = asFile(FREEFORM_SKILL_LINES);
export const GROUNDED_SKILL = asFile(GROUNDED_SKILL_LINES);

/** 1-based line of the first line equal to `text` (after `from`), for readable expectations. */
export function lineOf(lines: readonly string[], text: string, from = 0): number {
  const i = lines.indexOf(text, from);
  if (i < 0) throw new Error(`no line ${JSON.stringify(text)}`);
  return i + 1;
}

/** A copy of `lines` with the line equal to `text` replaced by `by` (several lines, or none to delete). */
export function replaceLine(lines: readonly string[], text: string, ...by: string[]): string[] {
  const i = lines.indexOf(text);
  if (i < 0) throw new Error(`no line ${JSON.stringify(text)}`);
  return [...lines.slice(0, i), ...by, ...lines.slice(i + 1)];
}
