import type { Cfg, CharSet, GrammarSymbol, Production } from './earley';

/**
 * The expression tree shared by the random regexes and the random EBNF grammars of the property test. Each tree is
 * rendered once for xgrammar (regex or EBNF text) and turned into a context-free grammar for the test's own Earley
 * recognizer, with JavaScript's regex semantics for the character sets, so the check never asks xgrammar.
 */

/**
 * How a character is written: as itself, as a C escape (`\n`, `\t` …), as `\xHH`, `\uHHHH` or `\u{H…}`. A renderer
 * escapes what its syntax requires whatever the form says.
 */
export type CharForm = 'raw' | 'c' | 'x' | 'u' | 'ubrace';

export interface Char {
  cp: number;
  form: CharForm;
}

export type Shorthand = 'd' | 'D' | 'w' | 'W' | 's' | 'S';

export type ClassItem = { kind: 'char'; char: Char } | { kind: 'range'; lo: Char; hi: Char } | { kind: 'shorthand'; name: Shorthand };

export type Expr =
  | { kind: 'lit'; chars: Char[] } // a string literal; empty = the empty string (grammars only)
  | { kind: 'class'; items: ClassItem[]; negated: boolean }
  | { kind: 'shorthand'; name: Shorthand | '.' } // regexes only
  | { kind: 'seq'; items: Expr[] }
  | { kind: 'alt'; options: Expr[] }
  | { kind: 'group'; body: Expr; capture: boolean }
  | { kind: 'rep'; body: Expr; min: number; max: number | null } // max null = unbounded
  | { kind: 'ref'; rule: number }; // grammars only: rule index, 0 = root

export const MAX_CP = 0x10ffff;

const DIGIT: [number, number][] = [[0x30, 0x39]];
const WORD: [number, number][] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
/** ECMAScript WhiteSpace and LineTerminator, what `\s` matches. */
const SPACE: [number, number][] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
/** What `.` does not match without the `s` flag. */
const LINE_TERMINATORS: [number, number][] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

/** The code points a shorthand matches, as JavaScript reads it (`u` flag, no `s` flag). */
export function shorthandRanges(name: Shorthand | '.'): [number, number][] {
  switch (name) {
    case 'd':
      return DIGIT;
    case 'D':
      return complement(DIGIT);
    case 'w':
      return WORD;
    case 'W':
      return complement(WORD);
    case 's':
      return SPACE;
    case 'S':
      return complement(SPACE);
    case '.':
      return complement(LINE_TERMINATORS);
  }
}

export function classCharSet(items: ClassItem[], negated: boolean): CharSet {
  const ranges = items.flatMap((it): [number, number][] => {
    if (it.kind === 'char') return [[it.char.cp, it.char.cp]];
    if (it.kind === 'range') return [[it.lo.cp, it.hi.cp]];
    return shorthandRanges(it.name);
  });
  return { ranges, negated };
}

/** Builds the context-free grammar of `rules` (rule 0 is the start symbol; a regex is one rule without refs). */
export function toCfg(rules: Expr[]): Cfg {
  const productions: Production[] = [];
  let nextNt = rules.length;
  const fresh = (): number => nextNt++;
  const symbols = (e: Expr): GrammarSymbol[] => {
    switch (e.kind) {
      case 'lit':
        return e.chars.map((c) => ({ chars: { ranges: [[c.cp, c.cp]], negated: false } }));
      case 'class':
        return [{ chars: classCharSet(e.items, e.negated) }];
      case 'shorthand':
        return [{ chars: { ranges: shorthandRanges(e.name), negated: false } }];
      case 'seq':
        return e.items.flatMap(symbols);
      case 'group':
        return symbols(e.body);
      case 'ref':
        return [{ nt: e.rule }];
      case 'alt': {
        const nt = fresh();
        for (const o of e.options) productions.push({ lhs: nt, rhs: symbols(o) });
        return [{ nt }];
      }
      case 'rep': {
        const body = fresh();
        productions.push({ lhs: body, rhs: symbols(e.body) });
        const out: GrammarSymbol[] = Array.from({ length: e.min }, () => ({ nt: body }));
        const tail = fresh();
        productions.push({ lhs: tail, rhs: [] });
        if (e.max === null) productions.push({ lhs: tail, rhs: [{ nt: body }, { nt: tail }] });
        else {
          // tail_k ::= ε | body tail_{k-1}, k = max - min optional copies.
          let inner = tail;
          for (let k = e.min; k < e.max; k++) {
            const outer = fresh();
            productions.push({ lhs: outer, rhs: [] }, { lhs: outer, rhs: [{ nt: body }, { nt: inner }] });
            inner = outer;
          }
          out.push({ nt: inner });
          return out;
        }
        out.push({ nt: tail });
        return out;
      }
    }
  };
  rules.forEach((e, i) => productions.push({ lhs: i, rhs: symbols(e) }));
  return { start: 0, productions };
}
