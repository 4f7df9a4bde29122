import { type Decimal, decimalRange, naturalRange } from './digit-ranges';
import { alt, DIGIT, digits, type Expr, lit, NEVER, opt, rep, seq } from './ebnf';

/**
 * Integers and numbers with exact `minimum` / `maximum` / `exclusive*` bounds, as digit-range grammars.
 *
 * Exact means: every number the grammar allows meets the bounds once a JSON parser has read it as a double, which is
 * how validators (ajv) compare. A non-strict bound is safe as written (rounding to the nearest double never crosses
 * a bound that is itself a double); a strict one is turned into a non-strict one a step inside it (the next integer,
 * or the bound plus 10^-F with numbers limited to F fraction digits), checked to still be a different double.
 * Bounded numbers are written without an exponent; unbounded ones may have one of at most two digits, so they never
 * overflow to Infinity.
 */

/** Integer digits allowed where no bound limits them: the 64-bit ranges, unsigned included. */
export const MAX_INTEGER_DIGITS = 20;
/** Fraction digits allowed in a number. */
export const MAX_FRACTION_DIGITS = 15;

export interface Bounds {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export class BoundError extends Error {}

/** The value of a double's shortest decimal text, as an exact scaled integer: value = n / 10^scale. */
interface Scaled {
  n: bigint;
  scale: number;
}

function scaledOf(v: number): Scaled {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(v));
  if (!m) throw new BoundError(`bound ${v} is not a finite number`);
  const [, sign, intPart, frac = '', exp = '0'] = m;
  let n = BigInt(`${intPart}${frac}`);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    n *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { n: sign ? -n : n, scale };
}

function rescale(a: Scaled, scale: number): bigint {
  return a.n * 10n ** BigInt(scale - a.scale);
}

function compare(a: Scaled, b: Scaled): number {
  const s = Math.max(a.scale, b.scale);
  const x = rescale(a, s);
  const y = rescale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

function toText(a: Scaled): string {
  const neg = a.n < 0n;
  const digitsText = (neg ? -a.n : a.n).toString().padStart(a.scale + 1, '0');
  const int = digitsText.slice(0, digitsText.length - a.scale);
  const frac = digitsText.slice(digitsText.length - a.scale);
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** |a| as the grammar's decimal (integer part, fraction digits without trailing zeros). */
function magnitude(a: Scaled): Decimal {
  const text = toText({ n: a.n < 0n ? -a.n : a.n, scale: a.scale });
  const [int, frac = ''] = text.split('.');
  return { int: BigInt(int), frac: frac.replace(/0+$/, '') };
}

const digitCount = (x: bigint): number => (x < 0n ? -x : x).toString().length;

/** The tightest lower and upper bound of the four keywords (a bound that is a double, with its strictness). */
function tightest(bounds: Bounds): { lo?: { v: number; strict: boolean }; hi?: { v: number; strict: boolean } } {
  let lo: { v: number; strict: boolean } | undefined;
  let hi: { v: number; strict: boolean } | undefined;
  if (bounds.minimum !== undefined) lo = { v: bounds.minimum, strict: false };
  if (bounds.exclusiveMinimum !== undefined && (lo === undefined || bounds.exclusiveMinimum >= lo.v))
    lo = { v: bounds.exclusiveMinimum, strict: true };
  if (bounds.maximum !== undefined) hi = { v: bounds.maximum, strict: false };
  if (bounds.exclusiveMaximum !== undefined && (hi === undefined || bounds.exclusiveMaximum <= hi.v))
    hi = { v: bounds.exclusiveMaximum, strict: true };
  return { lo, hi };
}

/** Canonical JSON integers (no `-0`) in [lo, hi]; undefined = open on that side (to `maxDigits` digits). */
export function integerRange(lo: bigint | undefined, hi: bigint | undefined, maxDigits: number): Expr {
  if (lo !== undefined && hi !== undefined && lo > hi) return NEVER;
  const parts: Expr[] = [];
  if (hi === undefined || hi >= 0n) parts.push(naturalRange(lo !== undefined && lo > 0n ? lo : 0n, hi, maxDigits));
  if (lo === undefined || lo < 0n) {
    const top = hi !== undefined && hi < -1n ? hi : -1n; // the negative values run from lo up to min(hi, -1)
    parts.push(seq(lit('-'), naturalRange(-top, lo === undefined ? undefined : -lo, maxDigits)));
  }
  return alt(...parts);
}

const SAFE = 2 ** 53;

/** `type: integer` with its bounds. */
export function integerGrammar(bounds: Bounds): Expr {
  const { lo, hi } = tightest(bounds);
  // A strict bound beyond 2^53 has no next integer that is a different double.
  for (const b of [lo, hi]) if (b?.strict && Math.abs(b.v) >= SAFE) throw new BoundError(`exclusive bound ${b.v} is beyond 2^53`);
  const low = lo === undefined ? undefined : BigInt(lo.strict ? Math.floor(lo.v) + 1 : Math.ceil(lo.v));
  const high = hi === undefined ? undefined : BigInt(hi.strict ? Math.ceil(hi.v) - 1 : Math.floor(hi.v));
  const width = Math.max(MAX_INTEGER_DIGITS, low === undefined ? 0 : digitCount(low), high === undefined ? 0 : digitCount(high));
  return integerRange(low, high, width);
}

/** `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]{1,2})?` within the digit limits. */
export function anyNumber(): Expr {
  const int = alt(lit('0'), seq(digits(1, 9), rep(DIGIT, 0, MAX_INTEGER_DIGITS - 1)));
  const frac = opt(seq(lit('.'), rep(DIGIT, 1, MAX_FRACTION_DIGITS)));
  const exp = opt(seq(alt(lit('e'), lit('E')), opt(alt(lit('+'), lit('-'))), rep(DIGIT, 1, 2)));
  return seq(opt(lit('-')), int, frac, exp);
}

/**
 * The fraction digits F for a strict bound b: the most (up to MAX_FRACTION_DIGITS, at least b's own) for which
 * b ± 10^-F is a different double than b; numbers are then limited to F fraction digits.
 */
function strictRoom(b: number, up: boolean): number {
  const s = scaledOf(b);
  for (let f = Math.max(MAX_FRACTION_DIGITS, s.scale); f >= s.scale; f--) {
    const step = { n: up ? 1n : -1n, scale: f };
    const moved = Number(toText({ n: rescale(s, f) + rescale(step, f), scale: f }));
    if (up ? moved > b : moved < b) return f;
  }
  throw new BoundError(`exclusive bound ${b} is too large to compare exactly`);
}

/** `type: number` with its bounds. */
export function numberGrammar(bounds: Bounds): Expr {
  const { lo, hi } = tightest(bounds);
  if (lo === undefined && hi === undefined) return anyNumber();
  let room = MAX_FRACTION_DIGITS;
  for (const b of [lo, hi]) if (b) room = Math.max(room, scaledOf(b.v).scale);
  if (lo?.strict) room = Math.min(room, strictRoom(lo.v, true));
  if (hi?.strict) room = Math.min(room, strictRoom(hi.v, false));
  // The non-strict equivalents at this room: x > b ⟺ x ≥ b + 10^-room for numbers with at most `room` fraction digits.
  const shift = (b: { v: number; strict: boolean } | undefined, dir: 1n | -1n): Scaled | undefined => {
    if (!b) return undefined;
    const s = scaledOf(b.v);
    if (!b.strict) return s;
    if (s.scale > room) throw new BoundError(`exclusive bound ${b.v} has more fraction digits than can be compared exactly`);
    return { n: rescale(s, room) + dir, scale: room };
  };
  const low = shift(lo, 1n);
  const high = shift(hi, -1n);
  if (low && high && compare(low, high) > 0) return NEVER;
  const widest = Math.max(MAX_INTEGER_DIGITS, ...[low, high].map((b) => (b ? magnitude(b).int.toString().length : 0)));
  const parts: Expr[] = [];
  const zero: Scaled = { n: 0n, scale: 0 };
  // Non-negative values: from max(low, 0) to high.
  if (high === undefined || compare(high, zero) >= 0) {
    const from = low && compare(low, zero) > 0 ? magnitude(low) : undefined;
    parts.push(decimalRange(from, high && magnitude(high), widest, room));
  }
  // Negative values -y: y from max(-high, 0) to -low.
  if (low === undefined || compare(low, zero) < 0) {
    const from = high && compare(high, zero) < 0 ? magnitude(high) : undefined;
    parts.push(seq(lit('-'), decimalRange(from, low && magnitude(low), widest, room)));
  }
  return alt(...parts);
}
