import { alt, cls, type Expr, lit, NEVER, rep, seq } from './ebnf';
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
  cls(Array.from(new Set(chars + chars.toLowerCase()), (c): [number, number] => [c.charCodeAt(0), c.charCodeAt(0)]));

/** A raw character of string content. */
const RAW = cls(
  [
    [0x00, 0x1f],
    [0x22, 0x22],
    [0x5c, 0x5c],
  ],
  true,
);

/** One escape sequence; defined once per grammar. */
function escape(rules: Rules): Expr {
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
  return rules.define('json_escape', seq(lit('\\'), alt(simple, seq(lit('u'), alt(notSurrogate, pair)))));
}

/**
 * Up to this many characters, a length-bounded string is a chain of rules, one per character position (escapes
 * included); longer bounds are a repetition of raw characters, without escapes (a subset). Measured over a 32k
 * vocabulary with xgrammar 0.1.27: a chain costs about 10 ms of compile per position, a raw repetition 0.2 s at 32
 * and 1.4 s at 1000 characters, and both keep the mask at about 10 µs a step; a repetition of "character or
 * escape", cheap to compile, made every mask take 3 to 170 ms, as did `(character | escape)*`.
 */
export const CHAIN_MAX = 32;

/**
 * A JSON string of min..max characters (max undefined = unbounded). Its content and closing quote are one rule
 * that ends in itself (or in the next rule of a chain): the form xgrammar decides a token's fate for at compile
 * time, so masks stay cheap.
 */
export function stringOfLength(rules: Rules, min: number, max: number | undefined): Expr {
  const esc = escape(rules);
  const quote = lit('"');
  const step = (next: Expr): Expr => alt(seq(RAW, next), seq(esc, next));
  if (max === undefined) {
    let rest = rules.recursive('json_string_tail', (self) => alt(quote, step(self)));
    if (min > CHAIN_MAX) return seq(quote, rules.define('str', seq(rep(RAW, min, min), rest)));
    for (let i = 0; i < min; i++) rest = rules.define('str', step(rest));
    return seq(quote, rest);
  }
  if (max > CHAIN_MAX) return seq(quote, rules.define('str', seq(rep(RAW, min, max), quote)));
  let next: Expr = quote;
  for (let i = max - 1; i >= 0; i--) next = rules.define('str', alt(i >= min ? quote : NEVER, step(next)));
  return seq(quote, next);
}

/** A JSON string whose content is `content` (ASCII text without `"`, `\\` or controls, so written as is). */
export function quoted(content: Expr): Expr {
  return seq(lit('"'), content, lit('"'));
}
