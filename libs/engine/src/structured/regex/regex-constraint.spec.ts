import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConstraintSpec, InvalidConstraintError, type ServedModel } from '../../contract';
import { EOS_ID } from '../../testing/tiny-model';
import { type ModelPair, servedModelPair } from '../../testing/model-pair';

/**
 * Regex, choice, grammar and structural-tag constraints through ServedModel, one spec per xgrammar 0.1.27 finding
 * the translation works around: every completion that stops must match (JavaScript's RegExp with the `u` flag, the
 * reference the translation follows). The byte-level tiny model (one token per byte) at a high temperature draws
 * nearly uniformly among the allowed bytes, so multi-byte characters get assembled byte by byte under the mask,
 * where xgrammar's mistakes show; the SentencePiece one brings merged tokens and byte fallback.
 */

let pair: ModelPair;
let bytes: ServedModel;
let sentencepiece: ServedModel;

beforeAll(async () => {
  pair = await servedModelPair();
  ({ bytes, sentencepiece } = pair);
});

afterAll(() => pair?.close());

/** The completions that stopped (at least half must), `runs` seeds at temperature 30. */
async function stopped(model: ServedModel, spec: ConstraintSpec, runs = 12, maxTokens = 48): Promise<string[]> {
  const texts: string[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const constraint = await model.createConstraint(spec);
    let text = '';
    let finish;
    for await (const e of model.generate({
      promptTokenIds: model.encode('Answer:'),
      params: { maxTokens, temperature: 30, seed, constraint },
    })) {
      text += e.text;
      finish = e.finishReason ?? finish;
    }
    if (finish === 'stop') texts.push(text);
  }
  expect(texts.length).toBeGreaterThanOrEqual(runs / 2);
  return texts;
}

async function expectAllMatch(model: ServedModel, spec: ConstraintSpec, re: RegExp, runs?: number): Promise<string[]> {
  const texts = await stopped(model, spec, runs);
  for (const t of texts) expect(t, `${JSON.stringify(spec)} → ${JSON.stringify(t)}`).toMatch(re);
  return texts;
}

const full = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`, 'u');

/** Whether the byte-level model's mask lets `text` be written whole and then ended (token id = byte value). */
async function accepts(spec: ConstraintSpec, text: string): Promise<boolean> {
  const c = await bytes.createConstraint(spec);
  try {
    for (const b of Buffer.from(text, 'utf8')) if (!c.accept(b)) return false;
    return c.accept(EOS_ID);
  } finally {
    c.release();
  }
}

describe('regex constraints: outputs match the pattern (RegExp with the u flag)', () => {
  it.each([
    ['B1 non-ASCII class', '[ж-и]{2,4}'],
    ['B2 ASCII and Latin-1 in one class', '[y-é]{1,6}'],
    ['B2 \\s (NBSP and the other Unicode spaces)', 'x\\s{1,4}y'],
    ['B3 negated class excluding non-ASCII', '[^é]{3}'],
    ['B3 \\S', '\\S{2,5}'],
    ['B3 [^c\\S] is whitespace only', '[^c\\S]{1,3}'],
    ['B4 . and negated classes stay valid UTF-8', 'a[^a]{4}b'],
    ['B6 \\xHH is two hex digits', '\\x400<|\\x79a'],
    ['B6 a literal after U+00E9', '(?:\\xe9B){1,3}'],
    ['B7 escaped ^ in a class', '[\\^a]{2,5}'],
    ['C2 raw line break in a class', '[\n-\\]]{2}'],
    ['xgrammar#618 literals sharing lead bytes', '[\u1680\u2000\u2001\u3000]{1,4}'],
    ['anchors and shorthands', '^\\d{3}-\\w{2}$'],
    ['alternatives that start alike', 'ab|ac|a\u00e9|a\u00e8'],
  ])('%s: /%s/', async (_finding, pattern) => {
    const texts = await expectAllMatch(bytes, { kind: 'regex', pattern }, full(pattern));
    expect(texts.join('')).not.toContain('\uFFFD');
  });

  it('at the mask: exactly the characters a set holds, or (negated) a safe ASCII part of them', async () => {
    const cases: [string, string, boolean][] = [
      ['[^é]', 'é', false], // B3: xgrammar 0.1.27 ignores the exclusion
      ['[^é]', 'a', true],
      ['\\S', '\u00a0', false], // B3
      ['\\s', '\u00a0', true],
      ['\\s', '\u3001', false], // xgrammar#618: "\u3000" | … accepted U+3001
      ['[\u1680\u2000\u2001\u3000]', '\u1681', false], // xgrammar#618
      ['[\u1680\u2000\u2001\u3000]', '\u3000', true],
      ['[Ā-ą]', 'l', false], // B1: xgrammar read the class as bytes
      ['[Ā-ą]', 'ą', true],
      ['[y-é]', '\u00ea', false], // B2
      ['.', '\n', false], // B5
      ['.', '\u00e9', true],
      ['[\\^a]', 'b', false], // B7
      ['\\x400', '@0', true], // B6
    ];
    for (const [pattern, text, expected] of cases) {
      expect(await accepts({ kind: 'regex', pattern }, text), `/${pattern}/ on ${JSON.stringify(text)}`).toBe(expected);
    }
  });

  it('B5: . never produces \\n or \\r (and draws widely, non-ASCII included)', async () => {
    const texts = await expectAllMatch(bytes, { kind: 'regex', pattern: '.{1,12}' }, /^[^\n\r]{1,12}$/u, 16);
    expect(texts.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);
  });

  it('the SentencePiece vocabulary (merged tokens, byte fallback) too', async () => {
    for (const pattern of ['[éèa-c ]{2,8}', '\\s?[a-z]+ (?:the|th\u00e9)', '[^\\sa-z]{1,3}']) {
      await expectAllMatch(sentencepiece, { kind: 'regex', pattern }, full(pattern));
    }
  });

  it('refusals are InvalidConstraintError naming the construct', async () => {
    for (const [pattern, message] of [
      ['(a)\\1', /^invalid regex: backreferences \(\\1\) are not supported at position 3$/],
      ['a(?=b)', /^invalid regex: lookahead/],
      ['[Ā-￿]', /^invalid regex: character class \[Ā-￿\] has 63232 non-ASCII members/],
    ] as const) {
      const err = await bytes.createConstraint({ kind: 'regex', pattern }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidConstraintError);
      expect((err as Error).message).toMatch(message);
    }
  });
});

describe('choice constraints', () => {
  it.each([[['\u1680', '\u2000', '\u2001', '\u3000']], [['éB', 'é1', 'naïve', 'nb']], [['ab', 'ab', 'abc', '']]])(
    'outputs are one of %j (xgrammar#618: choices that start alike)',
    async (choices) => {
      const texts = await stopped(bytes, { kind: 'choice', choices }, 16);
      for (const t of texts) expect(choices).toContain(t);
    },
  );

  it('refuses a lone surrogate', async () => {
    await expect(bytes.createConstraint({ kind: 'choice', choices: ['a\ud800'] })).rejects.toThrow(/lone surrogates/);
  });
});

describe('grammar constraints: classes and \\x made safe', () => {
  it.each([
    ['B1 non-ASCII class', 'root ::= [\\u0100-\\u0105]{1,4}', /^[\u0100-\u0105]{1,4}$/u],
    ['B2 mixed class', 'root ::= [)-\\u00a0]{1,4}', /^[)-\u00a0]{1,4}$/u],
    ['B3 negated class with non-ASCII bounds: its ASCII part', 'root ::= "" | ("" [^ -\\U0010FFFF])*', /^[\x00-\x1f]*$/u],
    ['B3 negated class, mixed', 'root ::= [^A-Z2?-\\U0001F600]{2,5}', /^[\x00-\x3e]{2,5}$/u],
    ['xgrammar#618 in a class', 'root ::= "<" [\\u1680\\u2000\\u2001\\u3000]+ ">"', /^<[\u1680\u2000\u2001\u3000]+>$/u],
    ['\\x takes two hex digits', 'root ::= "\\x41BC" | "\\x4" "2"', /^(?:ABC|\x042)$/u],
  ])('%s: %s', async (_finding, grammar, re) => {
    await expectAllMatch(bytes, { kind: 'grammar', grammar }, re);
  });

  it('refusals name the line', async () => {
    await expect(bytes.createConstraint({ kind: 'grammar', grammar: 'root ::= a\na ::= [\\u0100-\\uffff]' })).rejects.toThrow(
      /^invalid grammar: line 2: character class \[\\u0100-\\uffff\] has 63232 non-ASCII members/,
    );
  });
});

describe('xgrammar#618: alternations of words that start alike accept exactly the words', () => {
  // Two-byte characters sharing lead bytes (é è: C3; ǩ Ǩ: C7) and an ASCII one. Before the guards, 2 of these 300
  // grammars accepted a string that is none of the words (e.g. "éǩè" for "éa" | "Ǩèè" | "Ǩ" | "èǩè" | "èa" | "é").
  const alphabet = ['é', 'è', 'ǩ', 'a', 'Ǩ'];
  const lists = fc.sample(
    fc.array(
      fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 3 }).map((cs) => cs.join('')),
      { minLength: 2, maxLength: 6 },
    ),
    {
      seed: 618,
      numRuns: 300,
    },
  );
  const strings: string[] = [];
  for (let frontier = ['']; strings.length < 5 + 25 + 125;) {
    frontier = frontier.flatMap((s) => alphabet.map((c) => s + c));
    strings.push(...frontier);
  }
  const quote = (w: string): string => `"${w}"`;

  it.each([
    ['grammar', (words: string[]): ConstraintSpec => ({ kind: 'grammar', grammar: `root ::= ${words.map(quote).join(' | ')}` })],
    ['regex', (words: string[]): ConstraintSpec => ({ kind: 'regex', pattern: words.join('|') })],
    ['choice', (words: string[]): ConstraintSpec => ({ kind: 'choice', choices: words })],
  ])('%s: every string of up to 3 characters is accepted iff it is a word (300 lists)', async (_kind, spec) => {
    for (const words of lists) {
      for (const text of strings)
        expect(await accepts(spec(words), text), `${JSON.stringify(words)} on ${text}`).toBe(words.includes(text));
    }
  });
});

describe('regexes over characters that share lead bytes: the mask accepts exactly the matches', () => {
  // Classes, alternations and counted repetitions of words over é è (C3 …), ǩ (C7 …) and a, each checked on every
  // string of up to 4 of those characters against RegExp. Through xgrammar's own converter it fails at once
  // (`/[è]|(?:a){2,4}|[éè]/` refused "é").
  const alphabet = ['é', 'è', 'a', 'ǩ'];
  const word = fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 2 }).map((cs) => cs.join(''));
  const atom = fc.oneof(
    word,
    fc.subarray(alphabet, { minLength: 1 }).map((cs) => `[${cs.join('')}]`),
    fc.tuple(word, word).map(([a, b]) => `(?:${a}|${b})`),
    fc.tuple(word, fc.nat(2), fc.nat(2)).map(([w, min, extra]) => `(?:${w}){${min},${min + extra}}`),
  );
  const patterns = fc.sample(
    fc.tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([atoms, alt]) => atoms.join(alt ? '|' : '')),
    {
      seed: 4,
      numRuns: 200,
    },
  );
  const strings = [''];
  for (let frontier = ['']; strings.length < 1 + 4 + 16 + 64 + 256;) {
    frontier = frontier.flatMap((t) => alphabet.map((c) => t + c));
    strings.push(...frontier);
  }

  it('200 patterns, 341 strings each', async () => {
    for (const pattern of patterns) {
      const re = full(pattern);
      for (const text of strings)
        expect(await accepts({ kind: 'regex', pattern }, text), `/${pattern}/ on ${JSON.stringify(text)}`).toBe(re.test(text));
    }
  });
});

describe('structural tags: regex and grammar formats go through the same translation', () => {
  it('a regex format inside a tag matches', async () => {
    const tag = {
      type: 'structural_tag',
      format: {
        type: 'sequence',
        elements: [
          { type: 'const_string', value: '<' },
          { type: 'regex', pattern: '[\u1680\u2000\u2001\u3000é]{1,3}' },
          { type: 'grammar', grammar: 'root ::= [\\u00e8-\\u00ea]+' },
          { type: 'const_string', value: '>' },
        ],
      },
    };
    await expectAllMatch(bytes, { kind: 'structural_tag', tag: JSON.stringify(tag) }, /^<[\u1680\u2000\u2001\u3000é]{1,3}[è-ê]+>$/u);
  });

  it('a bad regex inside a tag is refused with its place', async () => {
    const tag = {
      type: 'structural_tag',
      format: { type: 'tag', begin: '<a>', content: { type: 'regex', pattern: '(?i)x' }, end: '</a>' },
    };
    await expect(bytes.createConstraint({ kind: 'structural_tag', tag: JSON.stringify(tag) })).rejects.toThrow(
      /^invalid structural tag: regex "\(\?i\)x": inline flags such as \(\?i\) are not supported at position 0$/,
    );
  });
});
