import { describe, expect, it } from 'vitest';
import type { TrainingTokenizer } from './data';
import { buildPreferenceDataset, parsePreferenceJsonl, tokenizePreference, type PreferenceRecord } from './preference-data';

/** One token per character (BOS '^' when special tokens are asked for), so sequences and masks read back as text. */
function charTokenizer(template?: (m: { role: string; content: string }[], gen: boolean) => string): TrainingTokenizer & {
  text(ids: number[]): string;
} {
  return {
    encode: (s: string, special = true) => Array.from((special ? '^' : '') + s).map((c) => c.codePointAt(0)!),
    hasChatTemplate: template !== undefined,
    applyChatTemplate: (m, gen = true) => {
      if (!template) throw new Error('no template');
      return template(m, gen);
    },
    bosTokenId: '^'.codePointAt(0)!,
    eosToken: '$',
    text: (ids) => String.fromCodePoint(...ids),
  };
}

const scored = (tok: ReturnType<typeof charTokenizer>, s: { ids: number[]; lossMask: Uint8Array }): string =>
  tok.text(s.ids.filter((_, i) => s.lossMask[i] === 1));

describe('parsePreferenceJsonl', () => {
  it('reads string and messages prompts', () => {
    const recs = parsePreferenceJsonl(
      [
        JSON.stringify({ prompt: 'Q?', chosen: 'yes', rejected: 'no' }),
        '',
        JSON.stringify({ id: 'b', prompt: [{ role: 'user', content: 'hi' }], chosen: 'hello', rejected: 'go away' }),
      ].join('\n'),
    );
    expect(recs).toHaveLength(2);
    expect(recs[1].id).toBe('b');
  });

  it.each([
    ['{"prompt":"p","chosen":"c"', /line 2: invalid JSON/],
    ['{"prompt":"p","chosen":"c"}', /line 2: rejected must be a string/],
    ['{"prompt":1,"chosen":"c","rejected":"r"}', /line 2: prompt must be a string or a messages array/],
    ['{"prompt":[],"chosen":"c","rejected":"r"}', /line 2: prompt must be a string or a non-empty messages array/],
    ['{"prompt":[{"role":"tool","content":"x"}],"chosen":"c","rejected":"r"}', /line 2: prompt\[0\] needs role system\|user\|assistant/],
    ['{"prompt":"p","chosen":["c"],"rejected":"r"}', /line 2: chosen must be a string/],
    ['["p","c","r"]', /line 2: expected an object/],
    ['{"messages":[{"role":"user","content":"x"}]}', /line 2: prompt must be a string/],
  ])('rejects %s naming the line', (line, err) => {
    expect(() => parsePreferenceJsonl(`{"prompt":"p","chosen":"c","rejected":"r"}\n${line}`)).toThrow(err);
  });
});

describe('tokenizePreference', () => {
  it('a text prompt is encoded as a served prompt and only the answer plus EOS is scored', () => {
    const tok = charTokenizer();
    const p = tokenizePreference({ prompt: 'Q:', chosen: 'ab', rejected: 'xyz' }, tok, { maxSeqLen: 64 })!;
    expect(tok.text(p.chosen.ids)).toBe('^Q:ab$');
    expect(tok.text(p.rejected.ids)).toBe('^Q:xyz$');
    expect(scored(tok, p.chosen)).toBe('ab$');
    expect(scored(tok, p.rejected)).toBe('xyz$');
  });

  it('a messages prompt goes through the chat template; the answer is the assistant turn with its end marker', () => {
    const template = (ms: { role: string; content: string }[], gen: boolean): string =>
      '<s>' + ms.map((m) => `[${m.role}]${m.content}${m.role === 'assistant' ? '</a>' : ''}`).join('') + (gen ? '[assistant]' : '');
    const tok = charTokenizer(template);
    const rec: PreferenceRecord = {
      prompt: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'hi' },
      ],
      chosen: 'yo',
      rejected: 'no',
    };
    const p = tokenizePreference(rec, tok, { maxSeqLen: 64 })!;
    expect(tok.text(p.chosen.ids)).toBe('<s>[system]S[user]hi[assistant]yo</a>');
    expect(scored(tok, p.chosen)).toBe('yo</a>');
    expect(scored(tok, p.rejected)).toBe('no</a>');
    // Without a template: the plain fallback rendering with a BOS, as data.ts renders SFT conversations.
    const plain = charTokenizer();
    const q = tokenizePreference(rec, plain, { maxSeqLen: 64 })!;
    expect(plain.text(q.chosen.ids)).toBe('^<|system|>\nS\n<|user|>\nhi\n<|assistant|>\nyo$\n');
    expect(scored(plain, q.chosen)).toBe('yo$\n');
  });

  it('truncates to maxSeqLen and drops a pair when an answer loses every scored token', () => {
    const tok = charTokenizer();
    const recs: PreferenceRecord[] = [
      { prompt: 'PPPP', chosen: 'ab', rejected: 'xyz' },
      { prompt: 'PPPPPP', chosen: 'ab', rejected: 'xyz' },
    ];
    const ds = buildPreferenceDataset(recs, tok, { maxSeqLen: 7 });
    expect(ds.dropped).toBe(1);
    expect(ds.pairs).toHaveLength(1);
    expect(tok.text(ds.pairs[0].rejected.ids)).toBe('^PPPPxy');
    expect(scored(tok, ds.pairs[0].rejected)).toBe('xy');
  });
});
