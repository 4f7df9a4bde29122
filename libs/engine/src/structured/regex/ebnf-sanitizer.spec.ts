import { describe, expect, it } from 'vitest';
import { sanitizeEbnf } from './ebnf-sanitizer';
import { TranslationError } from './translation-error';

/** User EBNF made safe for xgrammar 0.1.27: only classes with non-ASCII members and `\x` escapes change. */

const refusal = (grammar: string): string => {
  try {
    sanitizeEbnf(grammar);
  } catch (err) {
    expect(err).toBeInstanceOf(TranslationError);
    return (err as Error).message;
  }
  throw new Error(`${grammar} was not refused`);
};

describe('EBNF sanitizer', () => {
  it('leaves a grammar xgrammar reads right exactly as it is', () => {
    const grammar = [
      '# a comment with [é] and "\\x41"',
      'root ::= expr (= ";")',
      'expr ::= term ("+" term)* | "[" [^\\]"\\\\]* "]"   # trailing [ü]',
      'term ::= [0-9a-fA-F-]+ | "ü\\u00e9\\"" | [\\t ]',
    ].join('\n');
    expect(sanitizeEbnf(grammar)).toBe(grammar);
  });

  it('B1/B2: a class with non-ASCII members becomes an alternation of the same characters', () => {
    expect(sanitizeEbnf('root ::= [a-cé]+')).toBe('root ::= ([a-c] | "\\u00e9")+');
    expect(sanitizeEbnf('root ::= [\\u00e8-\\u00ea]')).toBe(
      [
        'root ::= (safe_class_g1 | safe_class_g2 | safe_class_g3)',
        'safe_class_empty ::= ""',
        'safe_class_g1 ::= "\\u00e8" safe_class_empty',
        'safe_class_g2 ::= "\\u00e9" safe_class_empty',
        'safe_class_g3 ::= "\\u00ea" safe_class_empty',
        '',
      ].join('\n'),
    );
  });

  it('B3: a negated class that excludes non-ASCII characters becomes its ASCII part', () => {
    expect(sanitizeEbnf('root ::= "" | ("" [^ -\\U0010FFFF])*')).toBe('root ::= "" | ("" [\\u0000-\\u001f])*');
    expect(sanitizeEbnf('root ::= [^A-Z2?-\\U0001F600]')).toBe('root ::= [\\u0000-13-\\u003e]');
    expect(sanitizeEbnf('root ::= [^\\u0080-\\U0010FFFF]')).toBe('root ::= [\\u0000-\\u007f]');
  });

  it('B6: \\x takes at most two hex digits, in literals and classes', () => {
    expect(sanitizeEbnf('root ::= "\\x41BC" "\\x4" [\\x41-\\x5a\\x61b]')).toBe('root ::= "\\u0041BC" "\\u0004" [A-Zab]');
    expect(sanitizeEbnf('root ::= "\\x"')).toBe('root ::= "\\x"'); // left for xgrammar to refuse
  });

  it('xgrammar#618: options that start alike move into guarded rules, the others stay', () => {
    // é and è share their lead byte (C3), Ǩ does not (C7); x is inlined by xgrammar, so its first bytes count.
    expect(sanitizeEbnf('root ::= "éa" | "Ǩè" | "èa" | x\nx ::= "é" "ǩ"')).toBe(
      [
        'root ::= safe_alt_g1 | "Ǩè" | safe_alt_g2 | safe_alt_g3',
        'x ::= "é" "ǩ"',
        'safe_alt_empty ::= ""',
        'safe_alt_g1 ::= "éa" safe_alt_empty',
        'safe_alt_g2 ::= "èa" safe_alt_empty',
        'safe_alt_g3 ::= x safe_alt_empty',
        '',
      ].join('\n'),
    );
    // A reference to a rule xgrammar keeps is a step of its own; two to the same rule collide.
    expect(sanitizeEbnf('root ::= y "a" | "b" | y "c"\ny ::= "b" y | "d"')).toBe(
      'root ::= safe_alt_g1 | "b" | safe_alt_g2\ny ::= "b" y | "d"\nsafe_alt_empty ::= ""\nsafe_alt_g1 ::= y "a" safe_alt_empty\nsafe_alt_g2 ::= y "c" safe_alt_empty\n',
    );
    // Inner groups first; a moved option spanning lines leaves its line breaks behind; comments do not move.
    expect(sanitizeEbnf('root ::= ("ab" | "ac"\n  | "d") "e" | "a" # c\nz ::= "q"')).toBe(
      [
        'root ::= safe_alt_g3',
        ' | safe_alt_g4 # c',
        'z ::= "q"',
        'safe_alt_empty ::= ""',
        'safe_alt_g1 ::= "ab" safe_alt_empty',
        'safe_alt_g2 ::= "ac" safe_alt_empty',
        'safe_alt_g3 ::= ( safe_alt_g1 | safe_alt_g2 | "d" ) "e" safe_alt_empty',
        'safe_alt_g4 ::= "a" safe_alt_empty',
        '',
      ].join('\n'),
    );
    // What this pass cannot read is left to xgrammar, nesting beyond 200 groups too.
    expect(sanitizeEbnf('root ::= "a" | "ab" | undefined_rule')).toBe('root ::= "a" | "ab" | undefined_rule');
    const deep = `root ::= ${'('.repeat(20_000)}"a" | "ab"${')'.repeat(20_000)}`;
    expect(sanitizeEbnf(deep)).toBe(deep);
  });

  it('keeps line numbers: rewrites stay on their line, helper rules go after the last line', () => {
    const out = sanitizeEbnf('root ::= a b\na ::= [éè]\nb ::= "x" # end');
    expect(out.split('\n').slice(0, 3)).toEqual(['root ::= a b', 'a ::= (safe_class_g1 | safe_class_g2)', 'b ::= "x" # end']);
    expect(sanitizeEbnf('safe_class ::= [éè]')).toMatch(/^safe_class ::= \(safe_class__g1 \| safe_class__g2\)\n/);
  });

  it.each([
    ['root ::= [a\nb]', 'line 1: a character class cannot hold a raw line break (write \\n or \\r)'],
    ['root ::= "a"\nb ::= [\\d]', 'line 2: character class escapes such as \\d are not supported in EBNF (list the characters)'],
    ['root ::= [\\u0100-\\uffff]', 'line 1: character class [\\u0100-\\uffff] has 63232 non-ASCII members; at most 1024 are supported'],
    [
      'root ::= [^\\u0000-\\u00ff]',
      'line 1: character class [^\\u0000-\\u00ff]: its non-ASCII part cannot be matched exactly and it has no ASCII member to match instead',
    ],
    ['root ::= "\\ud800"', 'line 1: the escape for U+D800 names a surrogate, not a character'],
    ['root ::= [\\U00110000]', 'line 1: the escape for 110000 is beyond Unicode (U+10FFFF)'],
    ['root ::= "a\ud800"', 'line 1: a lone surrogate is not a character'],
    ['root ::= [z-aé]', 'line 1: bad character range: the bounds are out of order'],
    ['root ::= [abc', 'line 1: unterminated character class'],
  ])('refuses %j: %s', (grammar, message) => {
    expect(refusal(grammar)).toBe(message);
  });
});
