import type { TranslationError } from './translation-error';

/** How xgrammar 0.1.27's EBNF lexer reads escapes and class members (grammar_parser.cc, support/encoding.h). */

/** Escapes inside a class besides C's: regex syntax characters and `-`. */
export const CLASS_ESCAPES = new Set('^$\\.*+?()[]{}|/-');
export const C_ESCAPES = new Map<string, number>([
  ["'", 0x27],
  ['"', 0x22],
  ['?', 0x3f],
  ['\\', 0x5c],
  ['a', 0x07],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
  ['v', 0x0b],
  ['0', 0x00],
  ['e', 0x1b],
]);

export const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

export type ClassToken = { kind: 'char'; cp: number; hexEscape: boolean } | { kind: 'dash' };

/** The class's ranges as xgrammar reads its tokens: a member, a dash and a member (or a dash) make a range. */
export function classRanges(tokens: ClassToken[], error: (message: string) => TranslationError): [number, number][] {
  const cpOf = (k: ClassToken): number => (k.kind === 'dash' ? 0x2d : k.cp);
  const ranges: [number, number][] = [];
  for (let j = 0; j < tokens.length; j++) {
    const lo = cpOf(tokens[j]);
    if (tokens[j + 1]?.kind === 'dash' && tokens[j + 2] !== undefined) {
      const hi = cpOf(tokens[j + 2]);
      if (hi < lo) throw error('bad character range: the bounds are out of order');
      ranges.push([lo, hi]);
      j += 2;
    } else ranges.push([lo, lo]);
  }
  return ranges;
}

/**
 * The code point of the character or escape at `i` and its length, as xgrammar reads it (`\x` takes every hex digit
 * that follows); null where xgrammar would refuse it.
 */
export function readChar(text: string, i: number, inClass: boolean): [number, number] | null {
  if (text[i] !== '\\') {
    const cp = text.codePointAt(i) ?? 0;
    return [cp, cp > 0xffff ? 2 : 1];
  }
  const e = text[i + 1];
  if (e === undefined) return null;
  if (inClass && CLASS_ESCAPES.has(e)) return [e.charCodeAt(0), 2];
  const c = C_ESCAPES.get(e);
  if (c !== undefined) return [c, 2];
  if (e === 'x') {
    let n = 0;
    while (isHex(text[i + 2 + n])) n++;
    return n === 0 ? null : [parseInt(text.slice(i + 2, i + 2 + n), 16), 2 + n];
  }
  if (e === 'u' || e === 'U') {
    const width = e === 'u' ? 4 : 8;
    const digits = text.slice(i + 2, i + 2 + width);
    return digits.length === width && [...digits].every(isHex) ? [parseInt(digits, 16), 2 + width] : null;
  }
  return null;
}
