import { describe, expect, it } from 'vitest';
import { MAX_NESTING, MAX_REPEAT, MAX_REPEAT_PRODUCT } from './regex-parser';
import { regexToEbnf, regexToEbnfRules } from './regex-to-ebnf';
import { MAX_LITERAL_MEMBERS } from './safe-char-set';
import { TranslationError } from './translation-error';

/**
 * The regex → xgrammar EBNF translation, case by case: every xgrammar 0.1.27 finding it works around (H5's B1–B7,
 * C2), the dialect's syntax, the JSON-string mode JSON Schema patterns use, and every refusal. What the outputs of
 * these grammars look like on a real vocabulary is in regex-constraint.spec.ts.
 */

const ebnf = (pattern: string): string => regexToEbnf(pattern).trimEnd();
const refusal = (pattern: string, opts = {}): string => {
  try {
    regexToEbnf(pattern, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(TranslationError);
    return (err as Error).message;
  }
  throw new Error(`/${pattern}/ was not refused`);
};
const hex4 = (cp: number): string => cp.toString(16).padStart(4, '0');
/** The guarded rules root_g<first>… for the literals from..to (see alternation.ts), and their names. */
const guarded = (from: number, to: number, first = 1): { rules: string[]; names: string } => {
  const cps = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return {
    rules: cps.map((cp, i) => `root_g${first + i} ::= "\\u${hex4(cp)}" root_empty`),
    names: cps.map((_, i) => `root_g${first + i}`).join(' | '),
  };
};

describe('regex → EBNF: the xgrammar 0.1.27 findings', () => {
  it('B1: a class of non-ASCII code points becomes literals (few) or is refused (many), never a class', () => {
    const g = guarded(0x436, 0x438);
    expect(ebnf('[ж-и]')).toBe(['root ::= root_c1', 'root_empty ::= ""', ...g.rules, `root_c1 ::= ${g.names}`].join('\n'));
    expect(refusal('[Ā-￿]')).toBe(`character class [Ā-￿] has 63232 non-ASCII members; at most ${MAX_LITERAL_MEMBERS} are supported`);
  });

  it('B2: a class mixing ASCII and U+0080–U+00FF keeps its ASCII part as a class and the rest as literals', () => {
    const latin = guarded(0x80, 0xe9);
    expect(ebnf('^(?:[y-é])$')).toBe(
      ['root ::= root_c1', 'root_empty ::= ""', ...latin.rules, `root_c1 ::= [y-\\u007f] | ${latin.names}`].join('\n'),
    );
    // Only the literals that share a first byte (E2 here) need rules of their own.
    const e2 = guarded(0x2000, 0x200a);
    expect(ebnf('\\s')).toBe(
      [
        'root ::= root_c1',
        'root_empty ::= ""',
        ...e2.rules,
        ...[0x2028, 0x2029, 0x202f, 0x205f].map((cp, i) => `root_g${12 + i} ::= "\\u${hex4(cp)}" root_empty`),
        `root_c1 ::= [\\u0009-\\u000d\\u0020] | "\\u00a0" | "\\u1680" | ${e2.names} | root_g12 | root_g13 | root_g14 | root_g15 | "\\u3000" | "\\ufeff"`,
      ].join('\n'),
    );
  });

  it('B3: a negated class that excludes non-ASCII characters becomes its ASCII part; one that excludes only ASCII stays negated', () => {
    expect(ebnf('[^é]')).toBe('root ::= [\\u0000-\\u007f]');
    expect(ebnf('\\S')).toBe('root ::= [\\u0000-\\u0008\\u000e-\\u001f\\u0021-\\u007f]');
    expect(ebnf('[^c\\S]')).toBe(ebnf('\\s')); // whitespace only, exactly
    expect(ebnf('[^"\\\\]')).toBe('root ::= [^\\u0022\\u005c]');
    expect(ebnf('\\W\\D')).toBe('root ::= [^0-9A-Z\\u005fa-z] [^0-9]');
    expect(ebnf('[\\s\\S]')).toBe('root ::= [^]');
    expect(refusal('[^\\u0000-\\u00ff]')).toMatch(/its non-ASCII part cannot be matched exactly and it has no ASCII member/);
  });

  it('B5: `.` is any character but \\n and \\r', () => {
    expect(ebnf('a.b')).toBe('root ::= "a" [^\\u000a\\u000d] "b"');
  });

  it('B6: \\xHH takes two hex digits, and a literal ends after a U+0080–U+00FF character', () => {
    expect(ebnf('\\x400<')).toBe('root ::= "@0<"');
    expect(ebnf('\\x79a')).toBe('root ::= "ya"');
    expect(ebnf('é1B')).toBe('root ::= "\\u00e9" "1B"');
    expect(ebnf('[\\u00A0ba-z]')).toBe('root ::= root_c1\nroot_c1 ::= [a-z] | "\\u00a0"');
    expect(ebnf('[\\u00A0\\u00A1]')).toBe(
      'root ::= root_c1\nroot_empty ::= ""\nroot_g1 ::= "\\u00a0" root_empty\nroot_g2 ::= "\\u00a1" root_empty\nroot_c1 ::= root_g1 | root_g2',
    );
    expect(ebnf('(\\xe9B)+')).toBe('root ::= ("\\u00e9" "B")+');
  });

  it('B7: an escaped ^ in a class is a member', () => {
    expect(ebnf('[\\^a]')).toBe('root ::= [\\u005ea]');
  });

  it('C2: raw control characters in a class are written escaped', () => {
    expect(ebnf('[\n-\\]]')).toBe('root ::= [\\u000a-\\u005d]');
    expect(ebnf('[\t\u0001]')).toBe('root ::= [\\u0001\\u0009]');
  });
});

describe('regex → EBNF: the dialect', () => {
  it.each([
    ['', 'root ::= ""'],
    ['abc', 'root ::= "abc"'],
    ['a|b|', 'root ::= "a" | "b" | ""'],
    ['x(a|b)y', 'root ::= "x" ("a" | "b") "y"'],
    ['(?:ab|c)*d', 'root ::= ("ab" | "c")* "d"'],
    ['(?P<year>\\d{4})-(?<m>\\d\\d)', 'root ::= [0-9]{4} "-" [0-9] [0-9]'],
    ['a+?b*?c??d{2,3}?', 'root ::= "a"+ "b"* "c"? "d"{2,3}'],
    ['a{2}b{2,}c{,3}d{0}e{1}', 'root ::= "a"{2} "b"{2,} "c"{0,3} "e"'],
    ['(a*)*', 'root ::= ("a"*)*'],
    ['a{|}b', 'root ::= "a{" | "}b"'],
    ['a{1,x}', 'root ::= "a{1,x}"'],
    ['\\t\\n\\r\\f\\v\\0\\a', 'root ::= "\\u0009\\u000a\\u000d\\u000c\\u000b\\u0000\\u0007"'],
    ['\\u{1F600}\\uD83D\\uDE00\\U0001F600😀', 'root ::= "\\U0001f600\\U0001f600\\U0001f600\\U0001f600"'],
    ['\\cJ\\x41\\u0042\\.\\*\\/\\-\\!', 'root ::= "\\u000aAB.*/-!"'],
    ['"\\\\', 'root ::= "\\"\\\\"'],
    ['[a\\-z]', 'root ::= [\\u002daz]'],
    ['[-a][a-][a-c-e]', 'root ::= [\\u002da] [\\u002da] [\\u002da-ce]'],
    ['[\\d\\w][\\b]', 'root ::= [0-9A-Z\\u005fa-z] [\\u0008]'],
    ['a(?#a comment)b', 'root ::= "ab"'],
    ['^abc$', 'root ::= "abc"'],
    ['\\Aabc\\Z', 'root ::= "abc"'],
    ['^(?:a|b)$|^c', 'root ::= "a" | "b" | "c"'],
    ['(a|b)|(c|(d))', 'root ::= "a" | "b" | "c" | "d"'],
    ['(^(a)$)', 'root ::= "a"'],
    ['[ab]{3}(?:[ab]|é)', 'root ::= [ab]{3} ([ab] | "\\u00e9")'],
  ])('/%s/ → %s', (pattern, expected) => {
    expect(ebnf(pattern)).toBe(expected);
  });

  it('writes an alternation of literals once, however often its set recurs', () => {
    expect(ebnf('[éè]x[èé]')).toBe(
      'root ::= root_c1 "x" root_c1\nroot_empty ::= ""\nroot_g1 ::= "\\u00e8" root_empty\nroot_g2 ::= "\\u00e9" root_empty\nroot_c1 ::= root_g1 | root_g2',
    );
  });

  it('gives options that start alike rules of their own (xgrammar#618), and leaves the others inline', () => {
    expect(ebnf('é|è|ǩ|x')).toBe(
      'root ::= root_g1 | root_g2 | "\\u01e9" | "x"\nroot_empty ::= ""\nroot_g1 ::= "\\u00e9" root_empty\nroot_g2 ::= "\\u00e8" root_empty',
    );
    expect(ebnf('ab|ac|b')).toBe(
      'root ::= root_g1 | root_g2 | "b"\nroot_empty ::= ""\nroot_g1 ::= "ab" root_empty\nroot_g2 ::= "ac" root_empty',
    );
    expect(ebnf('a?b|b')).toBe(
      'root ::= root_g1 | root_g2\nroot_empty ::= ""\nroot_g1 ::= "a"? "b" root_empty\nroot_g2 ::= "b" root_empty',
    );
    expect(ebnf('x|x')).toBe('root ::= "x"');
    expect(ebnf('(?:a|b)c|[ab]d')).toBe(
      'root ::= root_g1 | root_g2\nroot_empty ::= ""\nroot_g1 ::= ("a" | "b") "c" root_empty\nroot_g2 ::= [ab] "d" root_empty',
    );
  });

  it('embeds as a named rule with helper rules of its own names', () => {
    expect(regexToEbnfRules('[éè]+', 'str_pattern_2')).toBe(
      [
        'str_pattern_2 ::= str_pattern_2_c1+',
        'str_pattern_2_empty ::= ""',
        'str_pattern_2_g1 ::= "\\u00e8" str_pattern_2_empty',
        'str_pattern_2_g2 ::= "\\u00e9" str_pattern_2_empty',
        'str_pattern_2_c1 ::= str_pattern_2_g1 | str_pattern_2_g2',
        '',
      ].join('\n'),
    );
  });
});

describe('regex → EBNF: JSON string content (JSON Schema pattern)', () => {
  const json = (pattern: string, search = false): string => regexToEbnf(pattern, { jsonString: true, search }).trimEnd();

  it('emits no quote, backslash or control character', () => {
    expect(json('[^"]*')).toBe('root ::= [^\\u0000-\\u001f\\u0022\\u005c]*');
    expect(json('.')).toBe('root ::= [^\\u0000-\\u001f\\u0022\\u005c]');
    expect(json('[\\s\\d]')).toMatch(/\nroot_c1 ::= \[\\u00200-9\] \| "\\u00a0" \| "\\u1680" \| root_g1 \|/);
    expect(json('\\S')).toBe('root ::= [\\u0021\\u0023-\\u005b\\u005d-\\u007f]');
    expect(refusal('a"b', { jsonString: true })).toBe('the pattern needs the character U+0022, which a JSON string cannot hold unescaped');
    expect(refusal('x\\n', { jsonString: true })).toMatch(/U\+000A/);
    expect(refusal('["\\\\]', { jsonString: true })).toBe('character class ["\\\\] has no character a JSON string holds unescaped');
  });

  it('search mode: a side without an anchor takes any text', () => {
    expect(json('^(?:[a-z]+)$', true)).toBe('root ::= [a-z]+');
    const any = 'root_any1 ::= [^\\u0000-\\u001f\\u0022\\u005c]*';
    expect(json('ab', true)).toBe(`root ::= root_any1 "ab" root_any1\n${any}`);
    expect(json('^a|b$', true)).toBe(
      `root ::= root_g1 | root_g2\n${any}\nroot_empty ::= ""\nroot_g1 ::= "a" root_any1 root_empty\nroot_g2 ::= root_any1 "b" root_empty`,
    );
    expect(json('', true)).toBe(`root ::= root_any1 root_any1\n${any}`);
  });
});

describe('regex → EBNF: refusals', () => {
  it.each([
    ['(ab', 'missing ), parenthesis is not closed at position 0'],
    ['ab)', 'unbalanced parenthesis: ")" without "(" at position 2'],
    ['*a', 'nothing to repeat: "*" follows nothing at position 0'],
    ['a|{2}', 'nothing to repeat: "{" quantifier follows nothing at position 2'],
    ['^*', 'nothing to repeat: a quantifier after the anchor ^ at position 0'],
    ['a**', 'multiple repeat: a quantifier cannot follow a quantifier at position 2'],
    ['a{2}{3}', 'multiple repeat: a quantifier cannot follow a quantifier at position 4'],
    ['a*+', 'possessive quantifiers are not supported at position 2'],
    ['a{3,2}', 'min repeat greater than max repeat in {3,2} at position 1'],
    [`a{${MAX_REPEAT + 1}}`, `repetition count ${MAX_REPEAT + 1} exceeds ${MAX_REPEAT} at position 1`],
    ['(a)\\1', 'backreferences (\\1) are not supported at position 3'],
    ['(?<n>a)\\k<n>', 'backreferences (\\k<name>) are not supported at position 7'],
    ['(?P<n>a)(?P=n)', 'backreferences (?P=name) are not supported at position 8'],
    ['a(?=b)', 'lookahead (?=…) is not supported at position 1'],
    ['a(?!b)', 'lookahead (?!…) is not supported at position 1'],
    ['(?<=a)b', 'lookbehind (?<=…) is not supported at position 0'],
    ['(?<!a)b', 'lookbehind (?<!…) is not supported at position 0'],
    ['(?i)a', 'inline flags such as (?i) are not supported at position 0'],
    ['(?>a)', 'atomic groups (?>…) are not supported at position 0'],
    ['(?(1)a|b)', 'conditional groups (?(…)…) are not supported at position 0'],
    ['\\bword\\b', 'word boundaries (\\b) are not supported at position 0'],
    ['\\p{L}', 'Unicode property escapes (\\p{…}) are not supported at position 0'],
    ['\\N{DASH}', 'named characters (\\N{…}) are not supported at position 0'],
    ['\\q', 'unknown escape \\q at position 0'],
    ['\\012', 'octal escapes are not supported (write \\xHH) at position 0'],
    ['\\x4', 'bad escape: expected \\xHH at position 0'],
    ['\\uD800', 'a lone surrogate is not a character at position 0'],
    ['\\u{110000}', 'escape names U+110000, beyond Unicode at position 0'],
    ['ab\\', 'the pattern ends with a lone backslash at position 2'],
    ['[]a]', 'a character class cannot start with "]" (write \\] for the character) at position 0'],
    ['[z-a]', 'bad character range: the bounds are out of order at position 1'],
    ['[\\d-z]', 'bad character range: a shorthand cannot bound a range at position 1'],
    ['[abc', 'unterminated character set at position 0'],
    ['(?P<1x>a)', 'bad group name at position 0'],
    ['a^b', 'the anchor ^ at position 1 is not at the start of the pattern (anchors are supported only there)'],
    ['a$b', 'the anchor $ at position 1 is not at the end of the pattern (anchors are supported only there)'],
    ['(^a|b)c', 'the anchor ^ at position 1 is not at the start of the pattern (anchors are supported only there)'],
  ])('/%s/ → %s', (pattern, message) => {
    expect(refusal(pattern)).toBe(message);
  });

  it('bounds nesting and nested repetition', () => {
    expect(ebnf('('.repeat(MAX_NESTING) + 'a' + ')'.repeat(MAX_NESTING))).toBe('root ::= "a"');
    expect(refusal('('.repeat(MAX_NESTING + 1) + 'a' + ')'.repeat(MAX_NESTING + 1))).toBe(
      `groups are nested more than ${MAX_NESTING} deep at position ${MAX_NESTING}`,
    );
    expect(ebnf('((a{1000}){1000})')).toBe('root ::= ("a"{1000}){1000}');
    expect(refusal('((a{1000}){1000}){2}')).toBe(
      `nested repetitions repeat too much (more than ${MAX_REPEAT_PRODUCT} times in all) at position 0`,
    );
  });

  it('bounds the alternatives that need rules of their own', () => {
    expect(ebnf(Array.from({ length: 4096 }, (_, i) => `a${i}`).join('|'))).toMatch(/root_g4096 ::= "a4095" root_empty$/);
    expect(refusal(Array.from({ length: 4097 }, (_, i) => `a${i}`).join('|'))).toBe(
      'more than 4096 alternatives start like another one (each needs a rule of its own)',
    );
  });

  it('bounds the literals written for non-ASCII class members', () => {
    expect(ebnf('[Ā-ӿ]')).toMatch(/\nroot_c1 ::= root_g1 \| /); // 1024 members
    expect(refusal('[Ā-Ԁ]')).toMatch(/has 1025 non-ASCII members/);
    expect(refusal('[\\u0100-\\u04ff][\\u0500-\\u08ff][\\u0900-\\u0cff][\\u0d00-\\u10ff][\\u1100-\\u14ff]')).toBe(
      "the pattern's character classes have more than 4096 non-ASCII members in all",
    );
  });
});
