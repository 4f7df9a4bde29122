import type { TestModel } from './openai-test-server';

/** FNV-1a, 32 bits: a stable hash of the answer for the rating's tie-breaking digits. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/** The share of an answer's characters that are letters or spaces: prose is near 1, gibberish and symbols low. */
export function wordShare(answer: string): number {
  const chars = [...answer.trim()];
  return chars.length === 0 ? 0 : chars.filter((c) => /[\p{L} ]/u.test(c)).length / chars.length;
}

/**
 * The test judge's rating of one answer, 1.000–9.999: 1 + 8 × its word share, plus thousandths from a hash of the
 * trimmed answer, so answers that read alike still (almost never) tie. A pure function of the answer, so a test
 * recomputes every rating from the answers it stored and checks what was parsed, averaged and kept.
 */
export function judgeRating(answer: string): number {
  const text = answer.trim();
  return Math.round((1 + 8 * wordShare(text) + (fnv1a(text) % 1000) / 1000) * 1000) / 1000;
}

const SINGLE = /\[The Start of Assistant's Answer\]\n([\s\S]*)\n\[The End of Assistant's Answer\]/;
const MULTI = /### Assistant A:\n((?:(?!### Assistant A:\n)[\s\S])*)\n\n<\|The End of Assistant A's Conversation with User\|>/;

/**
 * The answer a FastChat judge prompt asks about: single-answer prompts put it between "[The Start of Assistant's
 * Answer]" and its end marker; multi-turn prompts judge the assistant's last turn of the conversation.
 */
export function judgedAnswer(prompt: string): string | undefined {
  return (MULTI.exec(prompt) ?? SINGLE.exec(prompt))?.[1];
}

/**
 * A judge that answers FastChat's single-answer prompts (MT-Bench, reward scoring) in their verdict format,
 * "… Rating: [[x]]", with `judgeRating` of the judged answer; a prompt it cannot read gets a reply without a verdict.
 */
export function mtBenchJudge(id: string, maxModelLen = 8192): TestModel {
  return {
    id,
    maxModelLen,
    reply: (prompt) => {
      const answer = judgedAnswer(prompt);
      if (answer === undefined) return 'I cannot tell which answer to judge.';
      return `The answer reads ${Math.round(wordShare(answer) * 100)}% as words. Rating: [[${judgeRating(answer)}]]`;
    },
  };
}
