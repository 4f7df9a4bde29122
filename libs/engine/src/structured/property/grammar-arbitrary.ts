import fc from 'fast-check';
import { classArb, litArb, repBoundsArb } from './chars';
import type { Expr } from './expr';

/**
 * Random xgrammar EBNF grammars as rule lists (rule 0 is `root`). Rule i's first alternative refers only to later
 * rules, so every rule derives some finite string (the test's prefix check relies on that); a second, recursive
 * alternative may refer to any rule, the rule itself and root included, left recursion too. Besides these, two shapes
 * real grammars have: nested brackets with separators, and arithmetic expressions with precedence levels, parentheses
 * and prefix operators, left-recursive or iterative.
 */

function exprArb(refs: number[]): fc.Arbitrary<Expr> {
  const atoms: fc.WeightedArbitrary<Expr>[] = [
    { arbitrary: litArb(0, 4), weight: 4 },
    { arbitrary: classArb(false), weight: 3 },
  ];
  if (refs.length > 0) atoms.push({ arbitrary: fc.constantFrom(...refs).map((rule): Expr => ({ kind: 'ref', rule })), weight: 3 });
  return fc.letrec<{ node: Expr; seq: Expr; alt: Expr; group: Expr; rep: Expr }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      ...atoms,
      { arbitrary: tie('seq'), weight: 3 },
      { arbitrary: tie('alt'), weight: 2 },
      { arbitrary: tie('rep'), weight: 2 },
      { arbitrary: tie('group'), weight: 1 },
    ),
    seq: fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((items): Expr => ({ kind: 'seq', items })),
    alt: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((options): Expr => ({ kind: 'alt', options })),
    group: tie('node').map((body): Expr => ({ kind: 'group', body, capture: false })),
    rep: fc.record({ body: tie('node'), bounds: repBoundsArb }).map(({ body, bounds }): Expr => ({ kind: 'rep', body, ...bounds })),
  })).node;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);

/** n helper rules after root, each with an optional recursive alternative. */
const randomRulesArb: fc.Arbitrary<Expr[]> = fc.integer({ min: 0, max: 3 }).chain((n) => {
  const all = range(0, n + 1);
  const rule = (i: number): fc.Arbitrary<Expr> =>
    fc
      .tuple(exprArb(range(Math.max(i + 1, 1), n + 1)), fc.option(exprArb(all), { nil: null, freq: 2 }))
      .map(([base, recursive]) => (recursive === null ? base : { kind: 'alt', options: [base, recursive] }));
  return fc.tuple(...all.map(rule));
});

const ref = (rule: number): Expr => ({ kind: 'ref', rule });
const seq = (...items: Expr[]): Expr => ({ kind: 'seq', items });
const alt = (...options: Expr[]): Expr => ({ kind: 'alt', options });
const star = (body: Expr): Expr => ({ kind: 'rep', body, min: 0, max: null });
const opt = (body: Expr): Expr => ({ kind: 'rep', body, min: 0, max: 1 });

/** root ::= r1 ; r1 ::= open (r1 (sep r1)*)? close | atom */
const bracketsArb: fc.Arbitrary<Expr[]> = fc
  .record({ open: litArb(1, 2), close: litArb(1, 2), sep: litArb(0, 2), atom: exprArb([]) })
  .map(({ open, close, sep, atom }) => [ref(1), alt(seq(open, opt(seq(ref(1), star(seq(sep, ref(1))))), close), atom)]);

/**
 * root ::= r1 ; r1 ::= r1 op1 r2 | r2 (or r2 (op1 r2)*) ; r2 ::= r3 (op2 r3)* ; r3 ::= num | lparen r1 rparen | neg r3
 */
const arithmeticArb: fc.Arbitrary<Expr[]> = fc
  .record({
    op1: fc.array(litArb(1, 2), { minLength: 1, maxLength: 2 }),
    op2: fc.array(litArb(1, 2), { minLength: 1, maxLength: 2 }),
    num: classArb(false).map((c): Expr => ({ kind: 'rep', body: c, min: 1, max: 3 })),
    lparen: litArb(1, 1),
    rparen: litArb(1, 1),
    neg: litArb(1, 1),
    leftRecursive: fc.boolean(),
  })
  .map(({ op1, op2, num, lparen, rparen, neg, leftRecursive }) => [
    ref(1),
    leftRecursive ? alt(seq(ref(1), alt(...op1), ref(2)), ref(2)) : seq(ref(2), star(seq(alt(...op1), ref(2)))),
    seq(ref(3), star(seq(alt(...op2), ref(3)))),
    alt(num, seq(lparen, ref(1), rparen), seq(neg, ref(3))),
  ]);

export const grammarArb: fc.Arbitrary<Expr[]> = fc.oneof(
  { arbitrary: randomRulesArb, weight: 4 },
  { arbitrary: bracketsArb, weight: 1 },
  { arbitrary: arithmeticArb, weight: 1 },
);
