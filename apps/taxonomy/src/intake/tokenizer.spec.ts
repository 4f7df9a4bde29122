import fc from 'fast-check';
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { bytePairMerge } from './byte-pair-merge';
import { growthOf } from '@platform/test-fixtures';
import { cl100kRank, countTokens, encodeCl100k } from './tokenizer';

/** A deterministic word of `n` lower-case letters. */
function randomWord(n: number, seed = 7): string {
  let s = seed;
  const letter = (): string => String.fromCharCode(97 + ((s = (s * 1103515245 + 12345) & 0x7fffffff) % 26));
  return Array.from({ length: n }, letter).join('');
}

const ORDINARY = [
  'What is the capital of France? Paris.',
  "It's a well-known fact: they'll say they'd've done it, and we're sure you've heard.",
  'Tabby cats are not a breed.\n\nThey are a coat pattern.   Indented   text\tand tabs\r\nWindows lines.',
  '## Heading\n\n| column | other |\n|--------|-------|\n| 1,234.5 | 2026-12-01 |\n\n```ts\nconst x = f(a, b) ?? 3;\n```\n',
  'Ünïcödé wörds, 日本語のテキスト, русский текст, עברית, العربية, emoji 😀👍🏽 and a lone surrogate \ud800 here.',
  'Special-token strings are plain text here: <|endoftext|> <|fim_prefix|>',
  'https://github.com/instructlab/taxonomy/blob/main/knowledge/science/physics/qna.yaml?plain=1#L10',
  'a'.repeat(1500),
  randomWord(1500),
  '=-'.repeat(600) + ' ' + '1234567890'.repeat(50),
];

describe('cl100k token counts', () => {
  const reference = getEncoding('cl100k_base');

  it("gives exactly js-tiktoken's tokens for ordinary text", () => {
    for (const text of ORDINARY) expect(encodeCl100k(text)).toEqual(reference.encode(text, [], []));
  });

  it("gives exactly js-tiktoken's tokens for arbitrary strings (seeded)", () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc
        .array(fc.constantFrom('the', ' cat', "'s", '  ', '\n', '\t', '42', '1234', '!!', '—', 'é', '語', '😀', 'ab'), { maxLength: 60 })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(encodeCl100k(t)).toEqual(reference.encode(t, [], []));
      }),
      { seed: 1011, numRuns: 400 },
    );
  });

  it('merges a long word with work linear in its length', () => {
    const lookups = (word: string): number => {
      let calls = 0;
      bytePairMerge(word, (bytes) => {
        calls++;
        return cl100kRank(bytes);
      });
      return calls;
    };
    for (const make of [(n: number) => 'a'.repeat(n), (n: number) => randomWord(n)]) {
      const small = lookups(make(5_000));
      const large = lookups(make(80_000));
      expect(large).toBeLessThan(8 * 80_000);
      // 16 times the length: 16 times the work (a quadratic merge would be 256 times).
      expect(large / small).toBeLessThan(20);
    }
  });

  it('counts a 100,000-character word, in time that grows linearly with its length', () => {
    const tokens = countTokens(randomWord(100_000));
    expect(tokens).toBeGreaterThan(100_000 / 10);
    expect(tokens).toBeLessThan(100_000);
    // 16 times the length: about 16 times the time, where the quadratic merge took 256 times. The bound is loose on purpose.
    expect(growthOf(randomWord, countTokens, 6_250, 16)).toBeLessThan(80);
  });
});
