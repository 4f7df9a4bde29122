import { describe, expect, it } from 'vitest';
import {
  epochBatches,
  parseInstructLabJsonl,
  renderFallback,
  tokenizeRecord,
  type InstructLabRecord,
  type TrainingTokenizer,
} from './data';

/** One token per character, so masks can be read back as text. */
function charTokenizer(
  template?: (m: { role: string; content: string }[], gen: boolean) => string,
): TrainingTokenizer & { text(ids: number[]): string } {
  return {
    encode: (s: string) => Array.from(s).map((c) => c.codePointAt(0)!),
    hasChatTemplate: template !== undefined,
    applyChatTemplate: (m, gen = true) => {
      if (!template) throw new Error('no template');
      return template(m, gen);
    },
    eosToken: '$',
    text: (ids) => String.fromCodePoint(...ids),
  };
}

function trained(tok: ReturnType<typeof charTokenizer>, ids: number[], mask: Uint8Array): string {
  return tok.text(ids.filter((_, i) => mask[i] === 1));
}

const chat: InstructLabRecord = {
  messages: [
    { role: 'system', content: 'S' },
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'yo' },
    { role: 'user', content: 'q' },
    { role: 'assistant', content: 'ans' },
  ],
};

describe('InstructLab data', () => {
  it('parses JSONL and reports the bad line', () => {
    const ok = parseInstructLabJsonl(
      `${JSON.stringify(chat)}\n\n${JSON.stringify({ messages: [{ role: 'pretraining', content: 'x' }], unmask: true })}\n`,
    );
    expect(ok).toHaveLength(2);
    expect(() => parseInstructLabJsonl(`${JSON.stringify(chat)}\n{"messages":[{"role":"bot","content":"x"}]}`)).toThrow(/line 2/);
    expect(() => parseInstructLabJsonl('{oops')).toThrow(/line 1: invalid JSON/);
  });

  it('trains only the assistant turns (with their end marker) through a chat template', () => {
    const tmpl = (m: { role: string; content: string }[], gen: boolean): string =>
      m.map((x) => `<${x.role}>${x.content}${x.role === 'assistant' ? '$' : ''}`).join('') + (gen ? '<assistant>' : '');
    const tok = charTokenizer(tmpl);
    const s = tokenizeRecord(chat, tok, { maxSeqLen: 1000 })!;
    expect(tok.text(s.ids)).toBe(tmpl(chat.messages, false));
    expect(trained(tok, s.ids, s.lossMask)).toBe('yo$ans$');
  });

  it('falls back to the plain format without a template, and unmask trains everything', () => {
    const tok = charTokenizer();
    const s = tokenizeRecord(chat, tok, { maxSeqLen: 1000 })!;
    expect(tok.text(s.ids)).toBe(renderFallback(chat.messages, false, '$'));
    expect(trained(tok, s.ids, s.lossMask)).toBe('yo$\nans$\n');
    const all = tokenizeRecord({ ...chat, unmask: true }, tok, { maxSeqLen: 1000 })!;
    expect(all.lossMask.reduce((a, b) => a + b, 0)).toBe(all.ids.length - 1); // all but the first token
  });

  it('trains pretraining text entirely and truncates to max_seq_len', () => {
    const tok = charTokenizer();
    const s = tokenizeRecord({ messages: [{ role: 'pretraining', content: 'abcdef' }] }, tok, { maxSeqLen: 4 })!;
    expect(tok.text(s.ids)).toBe('abcd');
    expect(Array.from(s.lossMask)).toEqual([0, 1, 1, 1]);
    // Nothing trainable survives: the record is dropped.
    expect(tokenizeRecord(chat, tok, { maxSeqLen: 5 })).toBeUndefined();
  });

  it('shuffles batches deterministically per (seed, epoch) and keeps every item once', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const a = epochBatches(items, 3, 7, 1);
    expect(a.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(a.flat().sort((x, y) => x - y)).toEqual(items);
    expect(epochBatches(items, 3, 7, 1)).toEqual(a);
    expect(epochBatches(items, 3, 7, 2)).not.toEqual(a);
  });
});
