import { createHash } from 'node:crypto';
import type { TestModel } from '@platform/test-fixtures';

/** Whether the test judge approves a question: about a third of all questions (by a hash of the text) are refused. */
export function judgeApproves(question: string): boolean {
  return createHash('sha256').update(question.trim()).digest()[0] % 3 !== 0;
}

/** The question a judging prompt of the SDG pipelines asks about: its last "[Question]" block. */
export function judgedQuestion(prompt: string): string | undefined {
  return [...prompt.matchAll(/\[Question\]\n([\s\S]*?)\n\[(?:Answer|End)\]/g)].at(-1)?.[1];
}

/** The verdict formats of the judging blocks in definitions/*.yaml, told apart by the instruction that asks for them. */
const VERDICTS = [
  { asks: /"\[Verdict\]" and YES/, yes: '[Verdict] YES', no: '[Verdict] NO' },
  { asks: /"\[Score\]" and the total \(0, 1 or 2\)/, yes: '[Score] 2', no: '[Score] 0' },
  { asks: /"\[Score\]" and 1, 2 or 3/, yes: '[Score] 3', no: '[Score] 1' },
  { asks: /"\[Rating\]" and 0 or 1/, yes: '[Rating] 1', no: '[Rating] 0' },
];

/**
 * A judge for the SDG pipelines' judging blocks (faithfulness, relevancy, question and pair ratings), served by the
 * OpenAI-compatible test server: each verdict passes or fails the judged question by `judgeApproves`, in the format
 * the block asked for, so a test knows which generated pairs the filters must keep. A prompt it cannot read gets a
 * reply without a verdict.
 */
export function verdictJudge(id: string): TestModel {
  return {
    id,
    maxModelLen: 8192,
    reply: (prompt) => {
      const question = judgedQuestion(prompt);
      const format = VERDICTS.find((v) => v.asks.test(prompt));
      if (question === undefined || !format) return 'I cannot tell what to judge.';
      return `The question and its answer were read with care.\n${judgeApproves(question) ? format.yes : format.no}\n[End]`;
    },
  };
}
