import { describe, expect, it } from 'vitest';
import { TOKENIZE_SEGMENT_CHARS, alignTokens, tokenStringCounter } from './token-string-counter';

describe('alignTokens', () => {
  it('places byte-level tokens, a BOS, split characters and a SentencePiece space prefix on the text', () => {
    expect(alignTokens('Hello world.', ['<s>', 'Hello', ' world', '.'])).toEqual([
      [0, 0],
      [0, 5],
      [5, 11],
      [11, 12],
    ]);
    // é as two byte tokens, each decoded alone as U+FFFD: they sit at the cursor, the next token covers the character.
    expect(alignTokens('café au', ['caf', '\uFFFD', '\uFFFD', ' au'])).toEqual([
      [0, 3],
      [3, 3],
      [3, 3],
      [3, 7],
    ]);
    expect(alignTokens('Hello', [' Hello'])).toEqual([[0, 5]]);
  });
});

describe('tokenStringCounter', () => {
  it('counts every text from one tokenization of their joined text, a token across two texts in both', async () => {
    const calls: string[] = [];
    const count = tokenStringCounter(async (text) => {
      calls.push(text);
      return ['<s>', ...(text.match(/\s*\S+/g) ?? [])];
    });
    // " Then" begins with the first text's trailing space and " abcd" with the second's: each counts on both sides.
    // The BOS sits at the start of the first text.
    expect(await count(['One two. ', 'Then three. ', 'ab', 'cd'])).toEqual([4, 3, 1, 1]);
    expect(calls).toEqual(['One two. Then three. abcd']);
  });

  it('cuts a long document into segments, one call each, and still counts every text', async () => {
    const calls: string[] = [];
    const count = tokenStringCounter(async (text) => {
      calls.push(text);
      return text.match(/\S+\s*/g) ?? [];
    });
    const sentence = `${'word '.repeat(1000)}`;
    const texts = Array.from({ length: Math.ceil((2.5 * TOKENIZE_SEGMENT_CHARS) / sentence.length) }, () => sentence);
    const counts = await count(texts);
    expect(calls.length).toBe(3);
    expect(counts.every((n) => n === 1000)).toBe(true);
  });
});
