/**
 * A small EBNF tree for the grammars the JSON Schema converter writes, printed in xgrammar's dialect. Working on a
 * tree rather than text lets the converter drop what can never match (a `false` subschema, an empty enum, a bound
 * no number meets) and find rules that derive no finite text (a recursive `$ref` with no way out) before xgrammar
 * sees them. Character classes are ASCII only: xgrammar 0.1.27 mis-matches classes of non-ASCII code points, and
 * non-ASCII text only ever appears here inside string literals or the JSON string character class `[^"\\…]`.
 */

export type Expr =
  | { k: 'lit'; s: string }
  | { k: 'cls'; src: string; ranges: [number, number][]; negated: boolean }
  | { k: 'ref'; name: string }
  | { k: 'seq'; xs: Expr[] }
  | { k: 'alt'; xs: Expr[] }
  | { k: 'rep'; x: Expr; min: number; max: number | undefined }
  | { k: 'never' };

export const NEVER: Expr = { k: 'never' };
export const EMPTY: Expr = { k: 'lit', s: '' };

export const lit = (s: string): Expr => ({ k: 'lit', s });
export const ref = (name: string): Expr => ({ k: 'ref', name });

/** A class of ASCII characters given as inclusive code ranges; `negated` only for the JSON string character. */
export function cls(ranges: [number, number][], negated = false): Expr {
  const live = ranges.filter(([a, b]) => a <= b);
  if (live.length === 0) return NEVER;
  for (const [, b] of live) if (b > 0x7f) throw new Error('classes are ASCII only');
  const item = (c: number): string => (/[A-Za-z0-9]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : `\\u${hex4(c)}`);
  const body = live.map(([a, b]) => (a === b ? item(a) : `${item(a)}-${item(b)}`)).join('');
  return { k: 'cls', src: `[${negated ? '^' : ''}${body}]`, ranges: live, negated };
}

/** The digits from..to (characters '0'..'9'); NEVER when empty. */
export function digits(from: number, to: number): Expr {
  if (from > to) return NEVER;
  if (from === to) return lit(String(from));
  return cls([[0x30 + from, 0x30 + to]]);
}

export const DIGIT = digits(0, 9);

export function seq(...xs: Expr[]): Expr {
  const out: Expr[] = [];
  for (const x of xs) {
    if (x.k === 'never') return NEVER;
    const parts = x.k === 'seq' ? x.xs : [x];
    for (const p of parts) {
      if (p.k === 'lit' && p.s === '') continue;
      const last = out[out.length - 1];
      if (p.k === 'lit' && last?.k === 'lit') out[out.length - 1] = lit(last.s + p.s);
      else out.push(p);
    }
  }
  if (out.length === 0) return EMPTY;
  return out.length === 1 ? out[0] : { k: 'seq', xs: out };
}

export function alt(...xs: Expr[]): Expr {
  const out: Expr[] = [];
  const seen = new Set<string>();
  for (const x of xs) {
    for (const p of x.k === 'alt' ? x.xs : [x]) {
      if (p.k === 'never') continue;
      const key = print(p);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p);
    }
  }
  if (out.length === 0) return NEVER;
  return out.length === 1 ? out[0] : { k: 'alt', xs: out };
}

export function rep(x: Expr, min: number, max: number | undefined): Expr {
  if (max !== undefined && max < min) return NEVER;
  if (max === 0) return EMPTY;
  if (x.k === 'never') return min === 0 ? EMPTY : NEVER;
  if (x.k === 'lit' && x.s === '') return EMPTY;
  if (min === 1 && max === 1) return x;
  return { k: 'rep', x, min, max };
}

export const opt = (x: Expr): Expr => rep(x, 0, 1);

function hex4(c: number): string {
  return c.toString(16).padStart(4, '0');
}

/** A string literal: printable ASCII as is (but `"` and `\`), line breaks and controls escaped, the rest raw UTF-8. */
function printLiteral(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u${hex4(c)}`;
    else out += ch;
  }
  return `${out}"`;
}

export const atomic = (x: Expr): boolean => x.k === 'lit' || x.k === 'cls' || x.k === 'ref' || x.k === 'never';

export function print(x: Expr): string {
  switch (x.k) {
    case 'lit':
      return printLiteral(x.s);
    case 'cls':
      return x.src;
    case 'ref':
      return x.name;
    case 'never':
      // Never printed in a finished grammar (simplify removes it); a class no character is in.
      return '[^\\u0000-\\U0010ffff]';
    case 'seq':
      return x.xs.map((p) => (p.k === 'alt' ? `(${print(p)})` : print(p))).join(' ');
    case 'alt':
      return x.xs.map(print).join(' | ');
    case 'rep': {
      const inner = atomic(x.x) ? print(x.x) : `(${print(x.x)})`;
      const { min, max } = x;
      if (min === 0 && max === 1) return `${inner}?`;
      if (min === 0 && max === undefined) return `${inner}*`;
      if (min === 1 && max === undefined) return `${inner}+`;
      if (max === undefined) return `${inner}{${min},}`;
      return min === max ? `${inner}{${min}}` : `${inner}{${min},${max}}`;
    }
  }
}
