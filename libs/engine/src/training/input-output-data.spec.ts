import { describe, expect, it } from 'vitest';
import { verbalizePrompt } from '../verbalizer';
import { buildDataset, parseTrainingJsonl, tokenizeRecord, type TrainingTokenizer } from './data';

/** One token per character, a BOS (`^`) when special tokens are asked for, EOS `$`. */
const tok: TrainingTokenizer & { text(ids: number[]): string } = {
  encode: (s: string, special = true) => [...(special ? [94] : []), ...Array.from(s).map((c) => c.codePointAt(0)!)],
  hasChatTemplate: false,
  applyChatTemplate: () => {
    throw new Error('no template');
  },
  eosToken: '$',
  text: (ids) => String.fromCodePoint(...ids),
};

function split(rec: { input: string; output: string }, opts: Parameters<typeof tokenizeRecord>[2]): { prompt: string; trained: string } {
  const s = tokenizeRecord(rec, tok, opts)!;
  const first = s.lossMask.indexOf(1);
  // Everything before the first scored token is context; everything from it on is scored.
  expect(Array.from(s.lossMask.slice(first)).every((m) => m === 1)).toBe(true);
  return { prompt: tok.text(s.ids.slice(0, first)), trained: tok.text(s.ids.slice(first)) };
}

describe('{input, output} records', () => {
  it('parse beside InstructLab lines and are rejected without string input and output', () => {
    const recs = parseTrainingJsonl(
      `${JSON.stringify({ input: 'a', output: 'b' })}\n${JSON.stringify({ messages: [{ role: 'user', content: 'x' }] })}\n`,
    );
    expect(recs).toHaveLength(2);
    expect(() => parseTrainingJsonl('{"input":"a"}')).toThrow(/line 1: input and output must be strings/);
    expect(() => parseTrainingJsonl('{"input":"a","output":3}')).toThrow(/line 1/);
    expect(() => parseTrainingJsonl('{"text":"a"}')).toThrow(/line 1: expected \{messages/);
  });

  it('without a verbalizer: the input (with BOS) is context, the output and EOS are scored', () => {
    expect(split({ input: 'Q?', output: 'A.' }, { maxSeqLen: 100 })).toEqual({ prompt: '^Q?', trained: 'A.$' });
  });

  it('prompt tuning verbalizer: {{input}} is filled in and only the completion is scored', () => {
    const verbalizer = { template: 'Input: {{input}} Output:' };
    expect(split({ input: 'hi', output: ' yo' }, { maxSeqLen: 100, verbalizer })).toEqual({
      prompt: '^Input: hi Output:',
      trained: ' yo$',
    });
    // The served prompt is exactly the trained context.
    expect(verbalizePrompt(verbalizer, 'hi')).toBe('Input: hi Output:');
  });

  it('fine tuning verbalizer: scores what follows the last response template; serving stops there too', () => {
    const verbalizer = { template: '### Input: {{input}}\n\n### Response: {{output}}', responseTemplate: '\n### Response:' };
    const r = split({ input: 'x', output: 'y' }, { maxSeqLen: 100, verbalizer });
    expect(r).toEqual({ prompt: '^### Input: x\n\n### Response:', trained: ' y$' });
    expect(verbalizePrompt(verbalizer, 'x')).toBe('### Input: x\n\n### Response:');
    // The input itself may hold the template: the last occurrence decides.
    expect(split({ input: 'a\n### Response: b', output: 'c' }, { maxSeqLen: 100, verbalizer }).trained).toBe(' c$');
  });

  it('a record whose rendering lacks the response template is an error naming the record', () => {
    const verbalizer = { template: '{{input}} => {{output}}', responseTemplate: '### Answer:' };
    expect(() => buildDataset([{ id: 'r-7', input: 'x', output: 'y' }], tok, { maxSeqLen: 100, verbalizer })).toThrow(
      /record 1 \(id r-7\): the rendered text does not contain the response template/,
    );
    expect(() => buildDataset([{ input: 'x', output: 'y' }], tok, { maxSeqLen: 100, verbalizer: { template: 'no slot' } })).toThrow(
      /must contain \{\{input\}\}/,
    );
  });

  it('max input / output tokens keep the first tokens of each part', () => {
    const r = split({ input: 'abcdef', output: 'uvwxyz' }, { maxSeqLen: 100, maxInputTokens: 3, maxOutputTokens: 4 });
    expect(r).toEqual({ prompt: '^ab', trained: 'uvwx' });
    // An input so long that max_seq_len leaves no output token drops the record.
    const ds = buildDataset([{ input: 'abcdef', output: 'z' }], tok, { maxSeqLen: 5 });
    expect(ds).toMatchObject({ sequences: [], dropped: 1 });
  });
});
