import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMPT_TEMPLATE, buildRagPrompt, fillPromptTemplate } from './prompt-template';
import type { CountTokens, RetrievedContext } from './rag-types';

const TEMPLATE = 'Docs: {reference_documents} Q: {question} A:';
const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
/** A tokenizer of one token per white-space separated word, recording each call's texts. */
function wordCounter(extra: (text: string) => number = () => 0): CountTokens & { calls: string[][] } {
  const calls: string[][] = [];
  const count = async (texts: readonly string[]) => {
    calls.push([...texts]);
    return texts.map((t) => words(t) + extra(t));
  };
  return Object.assign(count, { calls });
}
const ctx = (document_id: string, text: string, sequence_number = 0): RetrievedContext => ({
  document_id,
  text,
  sequence_number,
  score: 0.5,
});
const c1 = ctx('a.md', 'one two three');
const c2 = ctx('b.md', 'four five six seven', 4);

describe('fillPromptTemplate', () => {
  it('fills both placeholders in one pass, leaving placeholders inside the question or the documents as written', () => {
    expect(fillPromptTemplate(TEMPLATE, 'what is {reference_documents}?', 'see {question}')).toBe(
      'Docs: see {question} Q: what is {reference_documents}? A:',
    );
    expect(DEFAULT_PROMPT_TEMPLATE).toContain('{reference_documents}');
    expect(DEFAULT_PROMPT_TEMPLATE).toContain('{question}');
  });
});

describe('buildRagPrompt', () => {
  const input = (contextWindow: number, countTokens: CountTokens, contexts = [c1, c2]) => ({
    template: TEMPLATE,
    question: 'why',
    contexts,
    contextWindow,
    maxNewTokens: 10,
    countTokens,
  });

  it('holds every chunk, ranked and named by document, when they fit in the window minus max_new_tokens', async () => {
    // base "Docs:  Q: why A:" = 4 words; "[1] a.md\none two three" = 5; "\n\n[2] b.md\nfour five six seven" = 6.
    const counter = wordCounter();
    const p = await buildRagPrompt(input(25, counter));
    expect(p).toEqual({
      prompt: 'Docs: [1] a.md\none two three\n\n[2] b.md\nfour five six seven Q: why A:',
      contexts: [c1, c2],
      promptTokens: 15,
      fits: true,
    });
    // One call for the pieces, one for the whole prompt.
    expect(counter.calls).toHaveLength(2);
  });

  it('leaves out a chunk that does not fit when too little room is left to show part of it', async () => {
    const p = await buildRagPrompt(input(22, wordCounter()));
    expect(p.contexts).toEqual([c1]);
    expect(p.promptTokens).toBe(9);
  });

  it('cuts the first chunk that does not fit at the longest of 32 word prefixes that does', async () => {
    const long = ctx('c.md', Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
    // Budget 30: 4 + 5 leave 21 for "\n\n[2] c.md\n" (2) + n words: n ≤ 19, and floor(40 · 16 / 33) = 19 is a cut point.
    const p = await buildRagPrompt(input(40, wordCounter(), [c1, long]));
    expect(p.contexts[1]).toEqual({ ...long, text: Array.from({ length: 19 }, (_, i) => `w${i}`).join(' ') });
    expect(p.promptTokens).toBe(30);
    expect(p.fits).toBe(true);
  });

  it('drops the last chunk when the whole prompt counts more than its pieces', async () => {
    // This tokenizer charges 5 more for a whole prompt holding two chunks: 15 + 5 > 15, so chunk 2 goes.
    const counter = wordCounter((t) => (t.includes('[2]') && t.includes('Q:') ? 5 : 0));
    const p = await buildRagPrompt(input(25, counter));
    expect(p.contexts).toEqual([c1]);
    expect(p.promptTokens).toBe(9);
    expect(p.fits).toBe(true);
  });

  it('says when the template and the question alone do not fit', async () => {
    expect(await buildRagPrompt(input(13, wordCounter()))).toEqual({
      prompt: 'Docs:  Q: why A:',
      contexts: [],
      promptTokens: 4,
      fits: false,
    });
  });
});
