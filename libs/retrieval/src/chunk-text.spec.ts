import { resolve } from 'node:path';
import fc from 'fast-check';
import { Tokenizer } from '@platform/engine';
import { describe, expect, it } from 'vitest';
import { chunkText, type TokenCounter } from './chunk-text';

/** Counts whitespace-separated words: additive over any cut at whitespace, so chunk counts are exact. */
function wordCounter(): TokenCounter & { calls: number } {
  const counter = Object.assign(
    async (texts: readonly string[]) => {
      counter.calls += 1;
      return texts.map((t) => (t.match(/\S+/g) ?? []).length);
    },
    { calls: 0 },
  );
  return counter;
}

function sentences(n: number, words = 5): string {
  return Array.from({ length: n }, (_, i) => `Sentence ${i} ${'word '.repeat(words - 3)}end.`).join(' ');
}

describe('chunkText', () => {
  it('packs whole sentences up to maxTokens, in one counter call, with chunks that are slices of the text', async () => {
    const text = sentences(12); // 12 sentences of 5 words
    const countTokens = wordCounter();
    const chunks = await chunkText(text, { maxTokens: 12, overlapTokens: 0, countTokens });
    expect(countTokens.calls).toBe(1);
    expect(chunks.map((c) => c.tokens)).toEqual([10, 10, 10, 10, 10, 10]);
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(chunks[0].text).toBe('Sentence 0 word word end. Sentence 1 word word end.');
  });

  it('repeats the last sentences of a chunk at the start of the next, up to overlapTokens', async () => {
    const chunks = await chunkText(sentences(6), { maxTokens: 15, overlapTokens: 5, countTokens: wordCounter() });
    expect(chunks.map((c) => c.text.match(/Sentence \d/g))).toEqual([
      ['Sentence 0', 'Sentence 1', 'Sentence 2'],
      ['Sentence 2', 'Sentence 3', 'Sentence 4'],
      ['Sentence 4', 'Sentence 5'],
    ]);
  });

  it('ends units at line breaks, so headings and list items are never glued to a cut-off sentence', async () => {
    const text = '# Title\n\nFirst paragraph has five words.\n\n- item one\n- item two\n';
    const chunks = await chunkText(text, { maxTokens: 5, overlapTokens: 0, countTokens: wordCounter() });
    expect(chunks.map((c) => c.text)).toEqual(['# Title', 'First paragraph has five words.', '- item one', '- item two']);
  });

  it('cuts a sentence longer than maxTokens into word pieces, and a word longer than maxTokens bytes by characters', async () => {
    const long = `${'alpha '.repeat(30)}${'x'.repeat(25)} tail`;
    const chunks = await chunkText(long, { maxTokens: 10, overlapTokens: 0, countTokens: wordCounter() });
    expect(chunks.every((c) => c.tokens <= 10)).toBe(true);
    expect(
      chunks
        .map((c) => c.text)
        .join(' ')
        .replace(/\s+/g, ''),
    ).toBe(long.replace(/\s+/g, ''));
  });

  it('keeps every chunk within maxTokens of a real byte-level tokenizer (the starter model’s)', async () => {
    const tokenizer = Tokenizer.fromDir(resolve(__dirname, '../../../models/starter'));
    const countTokens: TokenCounter = async (texts) => texts.map((t) => tokenizer.encode(t, false).length);
    const text = `${sentences(40, 9)}\n\n${'Supercalifragilisticexpialidocious'.repeat(20)}\n\nÜnïcödé ✓ text, with émoji 🙂 too.`;
    const chunks = await chunkText(text, { maxTokens: 48, overlapTokens: 8, countTokens });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(tokenizer.encode(c.text, false).length).toBeLessThanOrEqual(48);
  });

  it('covers every non-space character of any text, each chunk within budget (property)', async () => {
    const word = fc.stringMatching(/^[a-zA-Zé🙂]{1,30}$/);
    const separator = fc.constantFrom(' ', '. ', '\n', '\n\n', '! ', ', ');
    const text = fc.array(fc.tuple(word, separator), { maxLength: 80 }).map((parts) => parts.map(([w, s]) => w + s).join(''));
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 39 }), async (t, maxTokens, overlap) => {
        const overlapTokens = Math.min(overlap, maxTokens - 1);
        const countTokens = wordCounter();
        const chunks = await chunkText(t, { maxTokens, overlapTokens, countTokens });
        expect(countTokens.calls).toBeLessThanOrEqual(1);
        const covered = new Uint8Array(t.length);
        for (const c of chunks) {
          expect(t.slice(c.start, c.end)).toBe(c.text);
          expect(c.tokens).toBeLessThanOrEqual(maxTokens);
          covered.fill(1, c.start, c.end);
        }
        for (let i = 0; i < t.length; i++) if (/\S/.test(t[i])) expect(covered[i]).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it('answers nothing for blank text, without counting', async () => {
    const countTokens = wordCounter();
    expect(await chunkText('', { maxTokens: 5, overlapTokens: 0, countTokens })).toEqual([]);
    expect(countTokens.calls).toBe(0);
  });

  it('refuses bad options and a counter that answers the wrong number of counts', async () => {
    const countTokens = wordCounter();
    await expect(chunkText('a.', { maxTokens: 0, overlapTokens: 0, countTokens })).rejects.toThrow(/maxTokens/);
    await expect(chunkText('a.', { maxTokens: 5, overlapTokens: 5, countTokens })).rejects.toThrow(/overlapTokens/);
    await expect(chunkText('One. Two.', { maxTokens: 5, overlapTokens: 0, countTokens: async () => [1] })).rejects.toThrow(
      /1 counts for 2/,
    );
  });
});
