import { alt, DIGIT, digits, type Expr, lit, NEVER, rep, seq } from './ebnf';

/**
 * Digit strings by value, as grammars: the building blocks of exact integer and decimal bounds. Integers are written
 * canonically (`0` or no leading zero), as JSON requires; fractions are digit strings compared as 0.ddd.
 */

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Same-length digit strings t with a ≤ t ≤ b (leading zeros allowed: this is a suffix after a fixed prefix). */
function sameLength(a: string, b: string): Expr {
  if (a.length === 0) return lit('');
  if (a === b) return lit(a);
  let p = 0;
  while (a[p] === b[p]) p++;
  const prefix = a.slice(0, p);
  const x = Number(a[p]);
  const y = Number(b[p]);
  const restA = a.slice(p + 1);
  const restB = b.slice(p + 1);
  const n = restA.length;
  const low = /^0*$/.test(restA); // a's branch is the whole digit
  const high = /^9*$/.test(restB);
  const free = rep(DIGIT, n, n);
  return seq(
    lit(prefix),
    alt(
      low ? NEVER : seq(lit(String(x)), sameLength(restA, '9'.repeat(n))),
      seq(digits(low ? x : x + 1, high ? y : y - 1), free),
      high ? NEVER : seq(lit(String(y)), sameLength('0'.repeat(n), restB)),
    ),
  );
}

/**
 * Non-negative integers lo ≤ t ≤ hi, canonical; hi undefined = any up to `maxDigits` digits. Lengths strictly
 * between those of the bounds share one rule: `[1-9][0-9]{m,n}`.
 */
export function naturalRange(lo: bigint, hi: bigint | undefined, maxDigits: number): Expr {
  const top = hi ?? pow10(maxDigits) - 1n;
  if (lo > top) return NEVER;
  const loLen = lo.toString().length;
  const hiLen = top.toString().length;
  const parts: Expr[] = [];
  const ofLength = (len: number, from: bigint, to: bigint): Expr =>
    len === 1 ? digits(Number(from), Number(to)) : sameLength(from.toString(), to.toString());
  if (loLen === hiLen) return ofLength(loLen, lo, top);
  parts.push(ofLength(loLen, lo, pow10(loLen) - 1n));
  if (hiLen - loLen >= 2) parts.push(seq(digits(1, 9), rep(DIGIT, loLen, hiLen - 2)));
  parts.push(ofLength(hiLen, pow10(hiLen - 1), top));
  return alt(...parts);
}

/** What may follow the integer part: nothing, or `.` and 1..maxDigits digits. */
export function anyFraction(maxDigits: number): Expr {
  return rep(seq(lit('.'), rep(DIGIT, 1, maxDigits)), 0, 1);
}

/** Digit strings t (length 1..room) with 0.t ≥ 0.s; s not empty, without trailing zeros. */
function fractionAtLeast(s: string, room: number): Expr {
  if (room <= 0) return NEVER;
  const rest = s.slice(1);
  return alt(
    seq(digits(Number(s[0]) + 1, 9), rep(DIGIT, 0, room - 1)),
    seq(lit(s[0]), rest === '' ? rep(DIGIT, 0, room - 1) : fractionAtLeast(rest, room - 1)),
  );
}

/** Digit strings t (length 0..room, or 1..room when `nonEmpty`) with 0.t ≤ 0.s; s without trailing zeros. */
function fractionAtMost(s: string, room: number, nonEmpty: boolean): Expr {
  const least = nonEmpty ? 1 : 0;
  if (s === '') return rep(lit('0'), least, room);
  if (room <= 0) return nonEmpty ? NEVER : lit('');
  return alt(
    nonEmpty ? NEVER : lit(''),
    seq(digits(0, Number(s[0]) - 1), rep(DIGIT, 0, room - 1)),
    seq(lit(s[0]), fractionAtMost(s.slice(1), room - 1, false)),
  );
}

/** Digit strings t (length 1..room) with 0.a ≤ 0.t ≤ 0.b; a not empty, 0.a ≤ 0.b, both without trailing zeros. */
function fractionBetween(a: string, b: string, room: number): Expr {
  if (room <= 0) return NEVER;
  const restA = a.slice(1);
  const restB = b.slice(1);
  if (a[0] === b[0]) return seq(lit(a[0]), restA === '' ? fractionAtMost(restB, room - 1, false) : fractionBetween(restA, restB, room - 1));
  return alt(
    seq(lit(a[0]), restA === '' ? rep(DIGIT, 0, room - 1) : fractionAtLeast(restA, room - 1)),
    seq(digits(Number(a[0]) + 1, Number(b[0]) - 1), rep(DIGIT, 0, room - 1)),
    seq(lit(b[0]), fractionAtMost(restB, room - 1, false)),
  );
}

/** A non-negative decimal: integer part and fraction digits without trailing zeros. */
export interface Decimal {
  int: bigint;
  frac: string;
}

/** `(. digits)?` after an integer part equal to the lower bound's (min), the upper's (max), or both. */
function fractionPart(min: string | undefined, max: string | undefined, room: number): Expr {
  const dot = (t: Expr): Expr => seq(lit('.'), t);
  if (min === undefined || min === '') {
    if (max === undefined) return anyFraction(room);
    return alt(lit(''), dot(fractionAtMost(max, room, true))); // no fraction: 0 ≤ 0.max
  }
  return dot(max === undefined ? fractionAtLeast(min, room) : fractionBetween(min, max, room));
}

/**
 * Non-negative decimals `int(.frac)?` with min ≤ value ≤ max (either side open), at most `intDigits` integer digits
 * when unbounded above and `fracDigits` fraction digits.
 */
export function decimalRange(min: Decimal | undefined, max: Decimal | undefined, intDigits: number, fracDigits: number): Expr {
  const lo = min?.int ?? 0n;
  const hi = max?.int;
  if (hi !== undefined && lo > hi) return NEVER;
  const minFrac = min?.frac;
  const maxFrac = max?.frac;
  if (hi !== undefined && lo === hi) return seq(lit(lo.toString()), fractionPart(minFrac, maxFrac, fracDigits));
  const parts: Expr[] = [];
  // The bound's own integer part, then everything strictly between, then the upper bound's integer part.
  parts.push(seq(lit(lo.toString()), fractionPart(minFrac, undefined, fracDigits)));
  const innerHi = hi === undefined ? undefined : hi - 1n;
  if (innerHi === undefined || innerHi >= lo + 1n) parts.push(seq(naturalRange(lo + 1n, innerHi, intDigits), anyFraction(fracDigits)));
  if (hi !== undefined) parts.push(seq(lit(hi.toString()), fractionPart(undefined, maxFrac, fracDigits)));
  return alt(...parts);
}
