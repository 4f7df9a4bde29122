import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { alt, cls, type Expr, lit, rep, seq } from './ebnf';
import { GrammarOracle } from './grammar-oracle';
import { Rules } from './rules';

/**
 * The grammar text Rules writes means what its tree means, as xgrammar compiles it: random trees over a small
 * alphabet (ASCII and a two-byte character) are checked on every string up to four characters against the
 * RegExp of the same tree. Without the alternation guard, xgrammar 0.1.27's state merging (mlc-ai/xgrammar#618)
 * made about 2% of such grammars take strings no option spells.
 */

let oracle: GrammarOracle;
beforeAll(async () => {
  oracle = await GrammarOracle.create();
});

const ALPHABET = ['a', 'b', 'c', 'é'];
const STRINGS = ((): string[] => {
  const out = [''];
  for (let i = 0; out.length < 1 + 4 + 16 + 64 + 256; i++) for (const c of ALPHABET) out.push(out[i] + c);
  return out;
})();

const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small' },
    fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 2 }).map((cs) => lit(cs.join(''))),
    fc.constantFrom(cls([[0x61, 0x61]]), cls([[0x61, 0x62]])),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => seq(a, b)),
    fc.array(tie('expr'), { minLength: 2, maxLength: 4 }).map((xs) => alt(...xs)),
    fc.tuple(tie('expr'), fc.constantFrom(1, 2)).map(([x, max]) => rep(x, 0, max)),
  ),
})).expr;

function regexOf(x: Expr): string {
  switch (x.k) {
    case 'lit':
      return x.s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    case 'cls':
      return x.src;
    case 'seq':
      return x.xs.map(regexOf).join('');
    case 'alt':
      return `(?:${x.xs.map(regexOf).join('|')})`;
    case 'rep':
      return `(?:${regexOf(x.x)}){${x.min},${x.max ?? ''}}`;
    default:
      throw new Error(`no regex for ${x.k}`);
  }
}

async function grammarOf(body: Expr): Promise<Awaited<ReturnType<GrammarOracle['compile']>>> {
  const rules = new Rules(1e6);
  rules.set(rules.reserve('root'), body);
  return oracle.compile(rules.finish('root') ?? 'root ::= ""');
}

describe('Rules.finish', () => {
  it('alternatives that start alike are not merged into strings no option spells (xgrammar#618)', async () => {
    const m = await grammarOf(alt(...['cbc', 'aba', 'ca', 'abc', 'bbb'].map(lit)));
    expect(['cbc', 'aba', 'ca', 'abc', 'bbb', 'cba', 'cb', 'ab'].map((s) => m.accepts(s))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('random trees: the grammar takes exactly the strings the RegExp of the tree matches', async () => {
    await fc.assert(
      fc.asyncProperty(exprArb, async (tree) => {
        const m = await grammarOf(tree);
        const re = new RegExp(`^(?:${regexOf(tree)})$`, 'u');
        const wrong = STRINGS.filter((s) => m.accepts(s) !== re.test(s));
        expect(wrong, regexOf(tree)).toEqual([]);
      }),
      { seed: 12_2026, numRuns: 300 },
    );
  });

  it('repetitions become shared rules, and rules that derive no finite text are dropped', () => {
    const rules = new Rules(1e6);
    const loop = rules.reserve('loop');
    rules.set(loop, seq(lit('x'), { k: 'ref', name: loop }));
    rules.set(rules.reserve('root'), alt(seq(rep(lit('a'), 0, 5), lit('b'), rep(lit('a'), 0, 5)), { k: 'ref', name: loop }));
    const text = rules.finish('root') ?? '';
    expect(text).toBe('root ::= rep "b" rep\nrep ::= "a"{0,5}\n');
    const dead = new Rules(1e6);
    const self = dead.reserve('root');
    dead.set(self, seq(lit('x'), { k: 'ref', name: self }));
    expect(dead.finish('root')).toBeUndefined();
  });
});
