import fc from 'fast-check';
import { charArb, classArb, litArb, repBoundsArb } from './chars';
import type { Expr } from './expr';

/**
 * Random regexes in the dialect both JavaScript (`u` flag) and xgrammar read: literals (escaped where needed, in every
 * escape form), classes with ranges and `\d\w\s\D\W\S` inside, negated classes, `.`, the shorthands, alternation,
 * capturing and non-capturing groups, and `? * + {m} {m,} {m,n}`. No anchors, lookarounds or backreferences (xgrammar
 * has none) and no empty alternatives.
 */
export const regexArb: fc.Arbitrary<Expr> = fc.letrec<{ node: Expr; atom: Expr; seq: Expr; alt: Expr; group: Expr; rep: Expr }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: tie('atom'), weight: 4 },
    { arbitrary: tie('seq'), weight: 3 },
    { arbitrary: tie('alt'), weight: 2 },
    { arbitrary: tie('rep'), weight: 3 },
    { arbitrary: tie('group'), weight: 1 },
  ),
  atom: fc.oneof(
    { arbitrary: charArb.map((c): Expr => ({ kind: 'lit', chars: [c] })), weight: 3 },
    { arbitrary: litArb(2, 4), weight: 2 },
    { arbitrary: classArb(true), weight: 3 },
    {
      arbitrary: fc.constantFrom<Expr>(
        ...(['d', 'w', 's', 'D', 'W', 'S', '.'] as const).map((name) => ({ kind: 'shorthand' as const, name })),
      ),
      weight: 1,
    },
  ),
  seq: fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((items): Expr => ({ kind: 'seq', items })),
  alt: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((options): Expr => ({ kind: 'alt', options })),
  group: fc.record({ body: tie('node'), capture: fc.boolean() }).map(({ body, capture }): Expr => ({ kind: 'group', body, capture })),
  rep: fc.record({ body: tie('node'), bounds: repBoundsArb }).map(({ body, bounds }): Expr => ({ kind: 'rep', body, ...bounds })),
})).node;
