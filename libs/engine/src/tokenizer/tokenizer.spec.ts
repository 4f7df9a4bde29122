import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTE_TO_CHAR } from './byte-level';
import type { TokenizerJson } from './json';
import { compilePattern } from './pipeline';
import { Tokenizer } from './tokenizer';
import { spTokenizerConfig, spTokenizerJson } from '../testing/random-model';

const sp = new Tokenizer(spTokenizerJson(300), spTokenizerConfig());

/** A miniature GPT-2 style tokenizer: 256 byte symbols, a few merges, one special token. */
function byteLevelJson(): TokenizerJson {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, i) => (vocab[c] = i));
  const merges: [string, string][] = [
    ['Ġ', 't'],
    ['h', 'e'],
    ['Ġt', 'he'],
    ['l', 'l'],
    ['he', 'll'],
  ];
  let next = 256;
  for (const [a, b] of merges) vocab[a + b] = next++;
  const eot = next;
  return {
    added_tokens: [{ id: eot, content: '<|endoftext|>', special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
    post_processor: { type: 'ByteLevel' },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', vocab, merges, unk_token: null },
  };
}

describe('SentencePiece-style BPE tokenizer', () => {
  it('adds BOS, applies merges and the ▁ word marker', () => {
    const ids = sp.encode('the cat');
    expect(ids[0]).toBe(1);
    expect(sp.idToToken(ids[1])).toBe('▁the');
    expect(ids.slice(2).map((i) => sp.idToToken(i))).toEqual(['▁', 'c', 'at']);
    expect(sp.encode('the cat', false)[0]).not.toBe(1);
  });

  it('round-trips ASCII, unicode and emoji through byte fallback', () => {
    for (const text of ['hello world', 'Grüße, Zürich!', '日本語 テキスト', 'party 🎉🦀 time', '  two  spaces', 'line\nbreak\ttab']) {
      const ids = sp.encode(text);
      expect(ids.every((i) => i >= 0 && i < 300)).toBe(true);
      expect(sp.decode(ids, true)).toBe(text);
    }
    // 🎉 is four UTF-8 bytes → four byte tokens.
    const emoji = sp.encode('🎉', false).map((i) => sp.idToToken(i));
    expect(emoji).toEqual(['▁', '<0xF0>', '<0x9F>', '<0x8E>', '<0x89>']);
  });

  it('keeps U+FEFF wherever it stands in a run of byte tokens (TextDecoder would drop a leading BOM)', () => {
    for (const text of ['\uFEFF', '\uFEFFx', 'a \uFEFF', '_\uFEFFb', '1.c\uFEFF']) {
      expect(sp.decode(sp.encode(text, false), true)).toBe(text);
    }
    const ids = ['<0xEF>', '<0xBB>', '<0xBF>'].map((t) => sp.tokenToId(t) ?? -1);
    expect(sp.decode(ids)).toBe('\uFEFF');
  });

  it('splits special tokens out before BPE and can skip them when decoding', () => {
    const ids = sp.encode('<|im_start|>user\nhi<|im_end|>', false);
    expect(ids[0]).toBe(298);
    expect(ids[ids.length - 1]).toBe(299);
    expect(sp.decode(ids, false)).toContain('<|im_start|>');
    expect(sp.decode(ids, true)).not.toContain('<|im_start|>');
    expect(sp.decode([1, ...sp.encode('hi', false)], false)).toBe('<s> hi');
  });

  it('renders tokens for display without dropping the leading space', () => {
    const the = sp.encode('the', false)[0];
    expect(sp.tokenToString(the)).toBe(' the');
    expect(sp.tokenToString(1)).toBe('<s>');
  });

  it('applies the chat template with bos/eos variables', () => {
    const text = sp.applyChatTemplate([{ role: 'user', content: 'hi' }], true);
    expect(text).toBe('<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
    const withBos = new Tokenizer(spTokenizerJson(300), {
      ...spTokenizerConfig(),
      chat_template: '{{ bos_token }}{{ messages[0].content }}{{ eos_token }}',
    });
    expect(withBos.applyChatTemplate([{ role: 'user', content: 'x' }])).toBe('<s>x</s>');
  });
});

describe('byte-level BPE tokenizer', () => {
  const bl = new Tokenizer(byteLevelJson(), { eos_token: '<|endoftext|>' });

  it('merges across the byte alphabet and keeps spaces as Ġ', () => {
    const ids = bl.encode('hello the');
    expect(ids.map((i) => bl.idToToken(i))).toEqual(['hell', 'o', 'Ġthe']);
    expect(bl.tokenToString(ids[2])).toBe(' the');
  });

  it('round-trips arbitrary unicode and special tokens', () => {
    for (const text of ['hello world', 'naïve café 🎉', '多语言', 'a  b\n\nc']) expect(bl.decode(bl.encode(text))).toBe(text);
    const ids = bl.encode('hi<|endoftext|>there');
    expect(ids).toContain(bl.eosTokenId);
    expect(bl.decode(ids, true)).toBe('hithere');
  });

  it('keeps a leading U+FEFF (TextDecoder would drop it as a byte order mark)', () => {
    for (const text of ['\uFEFF', '\uFEFFx', 'x\uFEFF']) expect(bl.decode(bl.encode(text))).toBe(text);
  });
});

describe('other pre-tokenizer layouts', () => {
  it('Llama 3 style: Split regex (digits in threes) then ByteLevel without its own regex', () => {
    const json = byteLevelJson();
    json.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: {
            Regex:
              "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
          },
          behavior: 'Isolated',
          invert: false,
        },
        { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
      ],
    };
    json.model.ignore_merges = true;
    const t = new Tokenizer(json, {});
    const ids = t.encode('x 12345 the', false);
    // "12345" → "123" + "45": no byte token spans the digit split.
    const pieces = ids.map((i) => t.idToToken(i));
    expect(pieces.join('')).toBe('xĠ12345Ġthe');
    expect(pieces).toContain('Ġthe');
    expect(t.decode(ids)).toBe('x 12345 the');
  });

  it('Metaspace pre-tokenizer with prepend_scheme "first"', () => {
    const json = spTokenizerJson(300);
    json.normalizer = null;
    json.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
    json.decoder = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false } as TokenizerJson['decoder'];
    const t = new Tokenizer(json, spTokenizerConfig());
    const ids = t.encode('the cat', false);
    expect(t.idToToken(ids[0])).toBe('▁the');
    // After a special token the text is not the start of the input: no ▁ prepended.
    const after = t.encode('<|im_start|>the', false);
    expect(t.idToToken(after[1])).toBe('t');
    expect(t.decode(ids)).toBe('the cat');
  });
});

describe('regex translation', () => {
  it('rewrites inline case-insensitive groups (Llama 3 pattern)', () => {
    const re = compilePattern("(?i:'s|'t|'re)|\\p{L}+");
    expect("IT'S".match(re)).toEqual(['IT', "'S"]);
  });
});

describe('input far longer than any context', () => {
  const byteLevel = new Tokenizer(byteLevelJson());
  /** Fastest of three runs after a warm-up one, in ms. */
  const fastest = (f: () => unknown): number => {
    f();
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      f();
      best = Math.min(best, performance.now() - started);
    }
    return Math.max(best, 0.01);
  };

  it('encodes a 200,000-character word (its ids once overflowed the stack), in time linear in its length', () => {
    const word = 'hell'.repeat(50_000);
    const ids = byteLevel.encode(word, false);
    expect(ids).toHaveLength(50_000);
    expect(new Set(ids)).toEqual(new Set([byteLevel.tokenToId('hell')]));
    expect(byteLevel.encode('xyz'.repeat(70_000), false)).toHaveLength(210_000);
    expect(sp.encode('a'.repeat(200_000), false).length).toBeGreaterThan(0);
    // 64 times the length: 64 to a few hundred times the time (a large text no longer fits the processor's caches),
    // where a quadratic encoder takes 4,096 times. The bound sits far from both.
    const small = 'abcdefgh'.repeat(625);
    const large = 'abcdefgh'.repeat(40_000);
    expect(fastest(() => byteLevel.encode(large)) / fastest(() => byteLevel.encode(small))).toBeLessThan(1_500);
    expect(fastest(() => sp.encode(large)) / fastest(() => sp.encode(small))).toBeLessThan(1_500);
  });

  it('bounds the tokens of a text from below by its length, without tokenizing it', () => {
    // The longest byte-level token here is "<|endoftext|>" (13 bytes); SentencePiece's longest holds a few characters.
    expect(byteLevel.minTokens('a'.repeat(200_000))).toBe(Math.ceil(200_000 / 13));
    expect(byteLevel.minTokens('')).toBe(0);
    expect(sp.minTokens('a'.repeat(200_000))).toBeGreaterThan(10_000);
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc
        .array(fc.constantFrom('the', ' hell', 'o', '  ', '\n', '<|endoftext|>', '<|im_start|>', '🎉', 'ü', '𝐀'), { maxLength: 80 })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(byteLevel.minTokens(t)).toBeLessThanOrEqual(byteLevel.encode(t, false).length);
        expect(sp.minTokens(t)).toBeLessThanOrEqual(sp.encode(t, false).length);
      }),
      { seed: 424242, numRuns: 300 },
    );
  });

  it('gives no bound where the pipeline can drop or fuse input, and discounts whitespace it may strip', () => {
    const base = byteLevelJson();
    const unbounded: TokenizerJson[] = [
      { ...base, pre_tokenizer: { type: 'Split', pattern: { String: 'x' }, behavior: 'Removed' } },
      { ...base, normalizer: { type: 'Replace', pattern: { String: 'xx' }, content: '' } },
      { ...base, normalizer: { type: 'Replace', pattern: { Regex: 'x+' }, content: 'x' } },
      { ...base, model: { ...base.model, unk_token: '<unk>', fuse_unk: true, vocab: { ...base.model.vocab, '<unk>': 999 } } },
    ];
    for (const json of unbounded) expect(new Tokenizer(json).minTokens('x'.repeat(10_000))).toBe(0);
    const stripping = new Tokenizer({ ...base, added_tokens: [{ id: 300, content: '<|endoftext|>', special: true, rstrip: true }] });
    expect(stripping.minTokens('<|endoftext|>' + ' '.repeat(10_000))).toBe(1);
    expect(stripping.encode('<|endoftext|>' + ' '.repeat(10_000), false)).toHaveLength(1);
    // Lowercasing may shrink a character from 3 bytes to 1 ("K", the Kelvin sign, to "k"): the bound allows for it.
    const lower = new Tokenizer({ ...base, normalizer: { type: 'Lowercase' } });
    expect(lower.minTokens('\u212a'.repeat(13 * 4))).toBeLessThanOrEqual(lower.encode('\u212a'.repeat(13 * 4), false).length);
  });
});
