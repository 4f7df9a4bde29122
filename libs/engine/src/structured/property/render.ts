import type { Char, ClassItem, Expr } from './expr';

/**
 * Writes an expression tree as regex text (read the same by JavaScript with the `u` flag and by xgrammar's regex
 * converter) or as xgrammar EBNF. Every character goes through the escaping its position requires, in the form the
 * tree chose where that form is legal there, so escapes are exercised as much as plain characters.
 */

const hex = (cp: number, width: number): string => cp.toString(16).toUpperCase().padStart(width, '0');
const C_ESCAPES = new Map<number, string>([
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0b, '\\v'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
]);
const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;

/** `\xHH`, `\uHHHH` or `\u{H…}` as the form asks, else null when the form is raw or cannot write this code point. */
function regexEscape({ cp, form }: Char): string | null {
  if (form === 'c') return C_ESCAPES.get(cp) ?? null;
  if (form === 'x' && cp <= 0xff) return `\\x${hex(cp, 2)}`;
  if (form === 'u' && cp <= 0xffff && !isSurrogate(cp)) return `\\u${hex(cp, 4)}`;
  if (form === 'ubrace') return `\\u{${hex(cp, 1)}}`;
  return null;
}

const REGEX_SYNTAX = new Set('^$\\.*+?()[]{}|/');
const REGEX_CLASS_SYNTAX = new Set('\\]-^[');

function regexChar(c: Char, inClass: boolean): string {
  const escaped = regexEscape(c);
  if (escaped !== null) return escaped;
  const ch = String.fromCodePoint(c.cp);
  return (inClass ? REGEX_CLASS_SYNTAX : REGEX_SYNTAX).has(ch) ? `\\${ch}` : ch;
}

function regexClassItem(it: ClassItem): string {
  if (it.kind === 'char') return regexChar(it.char, true);
  if (it.kind === 'range') return `${regexChar(it.lo, true)}-${regexChar(it.hi, true)}`;
  return `\\${it.name}`;
}

/** True when the regex text of `e` is one atom a quantifier can follow. */
function isRegexAtom(e: Expr): boolean {
  return e.kind === 'class' || e.kind === 'shorthand' || e.kind === 'group' || (e.kind === 'lit' && e.chars.length === 1);
}

export function renderRegex(e: Expr): string {
  switch (e.kind) {
    case 'lit':
      return e.chars.map((c) => regexChar(c, false)).join('');
    case 'class':
      return `[${e.negated ? '^' : ''}${e.items.map(regexClassItem).join('')}]`;
    case 'shorthand':
      return e.name === '.' ? '.' : `\\${e.name}`;
    case 'seq':
      return e.items.map((it) => (it.kind === 'alt' ? `(?:${renderRegex(it)})` : renderRegex(it))).join('');
    case 'alt':
      return e.options.map(renderRegex).join('|');
    case 'group':
      return `(${e.capture ? '' : '?:'}${renderRegex(e.body)})`;
    case 'rep': {
      const body = isRegexAtom(e.body) ? renderRegex(e.body) : `(?:${renderRegex(e.body)})`;
      return body + quantifier(e.min, e.max);
    }
    case 'ref':
      throw new Error('a regex has no rule references');
  }
}

function quantifier(min: number, max: number | null): string {
  if (min === 0 && max === 1) return '?';
  if (min === 0 && max === null) return '*';
  if (min === 1 && max === null) return '+';
  if (max === null) return `{${min},}`;
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/**
 * EBNF escapes: C escapes and `\uHHHH` / `\UHHHHHHHH` (never `\x`, which xgrammar's EBNF reads C's way, taking every
 * hex digit that follows). Raw line breaks are not allowed inside literals or classes.
 */
function ebnfChar(c: Char, specials: Set<string>): string {
  const ch = String.fromCodePoint(c.cp);
  const forced = c.cp === 0x0a || c.cp === 0x0d;
  if (c.form === 'c' || forced) {
    const esc = C_ESCAPES.get(c.cp);
    if (esc !== undefined) return esc;
  }
  if (c.form !== 'raw' || forced) return c.cp <= 0xffff ? `\\u${hex(c.cp, 4)}` : `\\U${hex(c.cp, 8)}`;
  return specials.has(ch) ? `\\${ch}` : ch;
}

const EBNF_STRING_SPECIALS = new Set('"\\');
const EBNF_CLASS_SPECIALS = new Set('\\]-^');

function ebnfClassItem(it: ClassItem): string {
  if (it.kind === 'char') return ebnfChar(it.char, EBNF_CLASS_SPECIALS);
  if (it.kind === 'range') return `${ebnfChar(it.lo, EBNF_CLASS_SPECIALS)}-${ebnfChar(it.hi, EBNF_CLASS_SPECIALS)}`;
  throw new Error('xgrammar EBNF has no class escapes such as \\d');
}

export const ruleName = (i: number): string => (i === 0 ? 'root' : `r${i}`);

function renderEbnfExpr(e: Expr): string {
  switch (e.kind) {
    case 'lit':
      return `"${e.chars.map((c) => ebnfChar(c, EBNF_STRING_SPECIALS)).join('')}"`;
    case 'class':
      return `[${e.negated ? '^' : ''}${e.items.map(ebnfClassItem).join('')}]`;
    case 'shorthand':
      throw new Error('xgrammar EBNF has no shorthand classes');
    case 'seq':
      return e.items.map((it) => (it.kind === 'alt' ? `(${renderEbnfExpr(it)})` : renderEbnfExpr(it))).join(' ');
    case 'alt':
      return e.options.map(renderEbnfExpr).join(' | ');
    case 'group':
      return `(${renderEbnfExpr(e.body)})`;
    case 'rep': {
      const atomic = e.body.kind === 'lit' || e.body.kind === 'class' || e.body.kind === 'group' || e.body.kind === 'ref';
      return (atomic ? renderEbnfExpr(e.body) : `(${renderEbnfExpr(e.body)})`) + quantifier(e.min, e.max);
    }
    case 'ref':
      return ruleName(e.rule);
  }
}

/** One rule per line, `root` first. */
export function renderEbnf(rules: Expr[]): string {
  return rules.map((e, i) => `${ruleName(i)} ::= ${renderEbnfExpr(e)}`).join('\n') + '\n';
}
