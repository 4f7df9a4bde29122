import { alt, cls, type Expr, lit, rep, seq } from './ebnf';
import type { Rules } from './rules';

/**
 * JSON strings. One character of content is a raw character other than `"`, `\` and U+0000–U+001F (which JSON
 * forbids raw), or one escape. `\u` escapes name a code point: a surrogate only as a high–low pair, so that a
 * string's length in characters (code points, as JSON Schema and ajv count it) is its number of these units and
 * the text is well-formed Unicode. The raw class excludes ASCII only (see ebnf.ts); that it admits well-formed
 * UTF-8 only is the engine's UTF-8 guard's job (utf8-guard.ts).
 */

const HEX: [number, number][] = [
  [0x30, 0x39],
  [0x41, 0x46],
  [0x61, 0x66],
];
const hex = cls(HEX);
const hexIn = (chars: string): Expr =>
  cls(
    Array.from(chars, (c): [number, number] => [c.charCodeAt(0), c.charCodeAt(0)]).concat(
      Array.from(chars.toLowerCase(), (c): [number, number] => [c.charCodeAt(0), c.charCodeAt(0)]),
    ),
  );

/** The rule for one character of string content; defined once per grammar. */
export function stringCharacter(rules: Rules): Expr {
  const raw = cls(
    [
      [0x00, 0x1f],
      [0x22, 0x22],
      [0x5c, 0x5c],
    ],
    true,
  );
  const anyHex3 = rep(hex, 3, 3);
  const notSurrogate = alt(
    seq(
      cls([
        [0x30, 0x39],
        [0x41, 0x43],
        [0x61, 0x63],
      ]),
      anyHex3,
    ), // 0-9, A-C
    seq(hexIn('D'), cls([[0x30, 0x37]]), rep(hex, 2, 2)), // D000-D7FF
    seq(hexIn('EF'), anyHex3), // E000-FFFF
  );
  const pair = seq(hexIn('D'), hexIn('89AB'), rep(hex, 2, 2), lit('\\u'), hexIn('D'), hexIn('CDEF'), rep(hex, 2, 2));
  const simple = cls(Array.from('"\\/bfnrt', (c): [number, number] => [c.charCodeAt(0), c.charCodeAt(0)]));
  const escape = seq(lit('\\'), alt(simple, seq(lit('u'), alt(notSurrogate, pair))));
  return rules.define('json_char', alt(raw, escape));
}

/** A JSON string of min..max characters (max undefined = unbounded). */
export function stringOfLength(rules: Rules, min: number, max: number | undefined): Expr {
  return seq(lit('"'), rep(stringCharacter(rules), min, max), lit('"'));
}

/** A JSON string whose content is `content` (ASCII text without `"`, `\` or controls, so written as is). */
export function quoted(content: Expr): Expr {
  return seq(lit('"'), content, lit('"'));
}
