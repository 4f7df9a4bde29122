import type { CodePointSet } from './code-point-set';

/**
 * Writing characters into xgrammar EBNF so that xgrammar 0.1.27 reads them back as written: everything but letters,
 * digits and plain punctuation as `\uHHHH` / `\UHHHHHHHH` (never `\x`, which xgrammar reads C's way, taking every hex
 * digit that follows), and a string literal ends after any U+0080–U+00FF character, because xgrammar prints those
 * as `\xHH` when it writes a grammar out (its compiler cache does) and would read a following hex digit into them.
 */

const hex = (cp: number, width: number): string => cp.toString(16).padStart(width, '0');

export function unicodeEscape(cp: number): string {
  return cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
}

/** Printable ASCII written as itself inside a string literal. */
function inLiteral(cp: number): string {
  if (cp === 0x22) return '\\"';
  if (cp === 0x5c) return '\\\\';
  if (cp >= 0x20 && cp <= 0x7e) return String.fromCharCode(cp);
  return unicodeEscape(cp);
}

/** The string literals matching exactly `cps` in sequence (one unless a U+0080–U+00FF character splits them). */
export function literalPieces(cps: readonly number[]): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const cp of cps) {
    current += inLiteral(cp);
    if (cp >= 0x80 && cp <= 0xff) {
      pieces.push(`"${current}"`);
      current = '';
    }
  }
  if (current !== '' || pieces.length === 0) pieces.push(`"${current}"`);
  return pieces;
}

/** A string as an EBNF expression: one literal, or a parenthesised sequence of literals. */
export function literalExpression(text: string): string {
  const pieces = literalPieces(Array.from(text, (ch) => ch.codePointAt(0) ?? 0));
  return pieces.length === 1 ? pieces[0] : `(${pieces.join(' ')})`;
}

/** A class member: letters and digits as themselves, the rest (class syntax, controls) escaped. */
function classMember(cp: number): string {
  return /^[0-9A-Za-z]$/.test(String.fromCharCode(cp)) && cp < 0x80 ? String.fromCharCode(cp) : unicodeEscape(cp);
}

/** `[…]` or `[^…]` over the members of an ASCII-only set. */
export function asciiClass(set: CodePointSet, negated: boolean): string {
  const body = set.ranges
    .map(([lo, hi]) =>
      lo === hi ? classMember(lo) : hi === lo + 1 ? classMember(lo) + classMember(hi) : `${classMember(lo)}-${classMember(hi)}`,
    )
    .join('');
  return `[${negated ? '^' : ''}${body}]`;
}
