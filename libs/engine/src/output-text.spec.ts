import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detokenizationPrefix, OutputText } from './output-text';
import { spTokenizerConfig, spTokenizerJson } from './testing/random-model';
import { BYTE_TO_CHAR } from './tokenizer/byte-level';
import type { TokenizerJson } from './tokenizer/json';
import { Tokenizer } from './tokenizer/tokenizer';

/** A fake detokeniser: token id i decodes to pieces[i]. */
const pieces = ['Hel', 'lo', ' wor', 'ld', '!', ' S', 'TOP', ' x', '\uFFFD'];
const decode = (ids: number[]): string => ids.map((i) => pieces[i]).join('');

function run(ids: number[], stops: string[], include = false): { deltas: string[]; stop?: string } {
  const t = new OutputText(decode, stops, include);
  const deltas: string[] = [];
  for (let i = 1; i <= ids.length; i++) {
    const u = t.update(ids.slice(0, i), true, i === ids.length);
    deltas.push(u.delta);
    if (u.stop) return { deltas, stop: u.stop };
  }
  return { deltas };
}

describe('OutputText', () => {
  it('releases text as it comes without stop strings', () => {
    expect(run([0, 1, 2, 3], []).deltas).toEqual(['Hel', 'lo', ' wor', 'ld']);
  });

  it('holds back a possible stop-string prefix and trims the stop string', () => {
    const r = run([0, 1, 5, 6, 7], [' STOP']);
    expect(r.stop).toBe(' STOP');
    expect(r.deltas).toEqual(['Hel', 'lo', '', '']);
    expect(r.deltas.join('')).toBe('Hello');
  });

  it('keeps the stop string when asked', () => {
    expect(run([0, 1, 5, 6], [' STOP'], true).deltas.join('')).toBe('Hello STOP');
  });

  it('releases held-back text when the prefix turns out not to be a stop string', () => {
    const r = run([0, 1, 5, 7], [' STOP']);
    expect(r.stop).toBeUndefined();
    expect(r.deltas).toEqual(['Hel', 'lo', '', ' S x']);
  });

  it('finds stop strings spanning tokens and earliest of several', () => {
    const r = run([0, 1, 2, 3, 4], ['rld', 'lo w']);
    expect(r.stop).toBe('lo w');
    expect(r.deltas.join('')).toBe('Hel');
  });

  it('holds back incomplete characters until final', () => {
    const t = new OutputText(decode, [], false);
    expect(t.update([0, 8], true, false).delta).toBe('Hel');
    expect(t.update([0, 8], true, true).delta).toBe('\uFFFD');
  });
});

describe('OutputText after a prompt prefix (vLLM prefix offset)', () => {
  /** A SentencePiece-like detokeniser: `▁` is a space, and the decoded text loses its first space (the Strip decoder). */
  const words = ['▁in', '▁the', '▁beginning', '▁', 'x', '<0xE2>', '<0x82>', '<0xAC>'];
  const spDecode = (ids: number[]): string => {
    let bytes: number[] = [];
    let out = '';
    const flush = (): void => {
      out += new TextDecoder().decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      const m = /^<0x(..)>$/.exec(words[id]);
      if (m) bytes.push(parseInt(m[1], 16));
      else {
        flush();
        out += words[id].replace(/▁/g, ' ');
      }
    }
    flush();
    return out.startsWith(' ') ? out.slice(1) : out;
  };

  it("keeps the output's leading space, which decoding the output alone strips", () => {
    const alone = new OutputText(spDecode, [], false);
    expect(alone.update([1, 1, 1], true, true).delta).toBe('the the the');
    const t = new OutputText(spDecode, [], false, [0, 1, 2]);
    expect([t.update([1], true, false), t.update([1, 1], true, false), t.update([1, 1, 1], true, true)].map((u) => u.delta)).toEqual([
      ' the',
      ' the',
      ' the',
    ]);
  });

  it('matches stop strings in the output only, leading space included', () => {
    const t = new OutputText(spDecode, [' the', 'in'], false, [0, 1]);
    const u = t.update([4, 1], true, false);
    expect(u).toEqual({ delta: 'x', stop: ' the' });
  });

  it('still holds back a character cut between tokens', () => {
    const t = new OutputText(spDecode, [], false, [0, 1]);
    expect(t.update([5], true, false).delta).toBe('');
    expect(t.update([5, 6], true, false).delta).toBe('');
    expect(t.update([5, 6, 7], true, false).delta).toBe('€');
  });

  it('takes 4 to 23 prompt tokens, the fewest whose text is whole characters', () => {
    const decode = (ids: number[]): string => (ids[0] === 9 ? '\uFFFDx' : 'x'.repeat(ids.length));
    expect(detokenizationPrefix([1, 2, 3], decode)).toEqual([1, 2, 3]);
    expect(detokenizationPrefix([1, 2, 3, 4, 5, 6], decode)).toEqual([3, 4, 5, 6]);
    expect(detokenizationPrefix([1, 2, 9, 4, 5, 6], decode)).toEqual([1, 2, 9, 4, 5, 6].slice(1)); // 9 starts the 4-token suffix
    const long = Array.from({ length: 40 }, () => 9);
    expect(detokenizationPrefix(long, decode)).toHaveLength(23);
  });
});

describe('OutputText on real tokenizers: a window, not the whole output', () => {
  const metaspace = spTokenizerJson(300);
  metaspace.normalizer = null;
  metaspace.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
  metaspace.decoder = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false } as TokenizerJson['decoder'];
  const byteVocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, i) => (byteVocab[c] = i));
  const byteLevel: TokenizerJson = {
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', vocab: byteVocab, merges: [], unk_token: null },
  };
  const tokenizers: [string, Tokenizer][] = [
    ['byte fallback', new Tokenizer(spTokenizerJson(300), spTokenizerConfig())],
    ['Metaspace', new Tokenizer(metaspace, spTokenizerConfig())],
    ['byte level', new Tokenizer(byteLevel)],
  ];
  // Characters of one to four UTF-8 bytes, so byte tokens split most of them.
  const text = fc
    .array(fc.constantFrom('a', ' ', 'the', ' cat', '\n', 'é', 'ü', '日本', '€', '🎉'), { maxLength: 24 })
    .map((p) => p.join(''));

  /** Streams `ids` through an OutputText as the scheduler does; the deltas joined, the stop, the longest decode. */
  function stream(t: Tokenizer, promptIds: number[], ids: number[], stops: string[]): { text: string; stop?: string; widest: number } {
    let widest = 0;
    const decode = (xs: number[]): string => {
      widest = Math.max(widest, xs.length);
      return t.decode(xs, true);
    };
    const prefix = detokenizationPrefix(promptIds, decode);
    const out = new OutputText(decode, stops, false, prefix);
    widest = 0;
    let released = '';
    for (let i = 1; i <= ids.length; i++) {
      const u = out.update(ids.slice(0, i), true, i === ids.length);
      released += u.delta;
      if (u.stop !== undefined) return { text: released, stop: u.stop, widest };
    }
    return { text: released, widest };
  }

  /** The output's text from one decode of it all after the prompt's prefix: what the stream must add up to. */
  function wholeOutput(t: Tokenizer, promptIds: number[], ids: number[]): string {
    const prefix = detokenizationPrefix(promptIds, (xs) => t.decode(xs, true));
    return t.decode([...prefix, ...ids], true).slice(t.decode(prefix, true).length);
  }

  for (const [name, t] of tokenizers) {
    it(`releases exactly the whole output's text, cut at the first stop string (${name})`, () => {
      fc.assert(
        fc.property(text, text, fc.option(fc.nat(), { nil: undefined }), (prompt, output, stopAt) => {
          const promptIds = t.encode(prompt, false);
          const ids = t.encode(output, false);
          const whole = wholeOutput(t, promptIds, ids);
          const stop =
            stopAt === undefined || whole.length === 0 ? undefined : whole.slice(stopAt % whole.length, (stopAt % whole.length) + 2);
          const r = stream(t, promptIds, ids, stop === undefined ? [] : [stop]);
          if (stop === undefined) expect(r).toEqual({ text: whole, widest: r.widest });
          else expect(r).toEqual({ text: whole.slice(0, whole.indexOf(stop)), stop, widest: r.widest });
        }),
        { numRuns: 300 },
      );
    });
  }

  it('decodes a few tokens a step however long the output grows', () => {
    const [, t] = tokenizers[0];
    const ids = t.encode('日本 the cat 🎉 '.repeat(200), false);
    expect(ids.length).toBeGreaterThan(2000);
    const promptIds = t.encode('a prompt', false);
    const r = stream(t, promptIds, ids, ['never']);
    // The longest window: a 4-byte character's tokens after the last whole one, and the prompt's prefix at first.
    expect(r.widest).toBeLessThanOrEqual(16);
    expect(r.text).toBe(wholeOutput(t, promptIds, ids));
  });
});
