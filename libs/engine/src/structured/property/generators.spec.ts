import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { choicesArb } from './choice-arbitrary';
import { Earley, earley } from './earley';
import { type Expr, toCfg } from './expr';
import { grammarArb } from './grammar-arbitrary';
import { type Schema, jsonSchemaArb } from './json-schema-arbitrary';
import { regexArb } from './regex-arbitrary';
import { renderEbnf, renderRegex } from './render';
import { inlineRules, mutate, sampleString } from './witness';

/**
 * The property test's generators and checkers, tested without xgrammar: the Earley recognizer on grammars whose
 * languages are known, and each random case against a second reading of it (the regex JavaScript compiles from the
 * same tree, the examples the tree derives, a minimal instance of each schema).
 */

const c = (s: string): Expr => ({ kind: 'lit', chars: Array.from(s, (ch) => ({ cp: ch.codePointAt(0) ?? 0, form: 'raw' as const })) });
const ref = (rule: number): Expr => ({ kind: 'ref', rule });
const seq = (...items: Expr[]): Expr => ({ kind: 'seq', items });
const alt = (...options: Expr[]): Expr => ({ kind: 'alt', options });
const star = (body: Expr): Expr => ({ kind: 'rep', body, min: 0, max: null });
const digits: Expr = {
  kind: 'rep',
  body: { kind: 'class', items: [{ kind: 'range', lo: { cp: 0x30, form: 'raw' }, hi: { cp: 0x39, form: 'raw' } }], negated: false },
  min: 1,
  max: 2,
};

const anchored = (re: string): RegExp => new RegExp(`^(?:${re})$`, 'u');

describe('Earley recognizer', () => {
  it('recognises balanced brackets, and their prefixes as viable', () => {
    // root ::= ( "(" root* ")" )*   — the empty string, "()", "(()())", …
    const cfg = toCfg([star(seq(c('('), star(ref(0)), c(')')))]);
    for (const ok of ['', '()', '(())()', '((()()))']) expect(earley(cfg, ok).complete).toBe(true);
    for (const bad of ['(', ')(', '())', '(()']) expect(earley(cfg, bad).complete).toBe(false);
    expect(earley(cfg, '((()').viable).toBe(true);
    expect(earley(cfg, '())').viable).toBe(false);
  });

  it('handles left recursion, precedence and empty rules', () => {
    // root ::= root "+" t | t ; t ::= t "*" f | f ; f ::= digits | "(" root ")" | e f ; e ::= "" | "-"
    const cfg = toCfg([
      alt(seq(ref(0), c('+'), ref(1)), ref(1)),
      alt(seq(ref(1), c('*'), ref(2)), ref(2)),
      alt(digits, seq(c('('), ref(0), c(')')), seq(ref(3), c('!'), ref(2))),
      alt(c(''), c('-')),
    ]);
    for (const ok of ['1', '1+2*3', '(1+2)*34', '!7', '-!(1)+2']) expect(earley(cfg, ok).complete).toBe(true);
    for (const bad of ['', '1+', '123', '(1+2', '--!1']) expect(earley(cfg, bad).complete).toBe(false);
    expect(earley(cfg, '(1+').viable).toBe(true);
    expect(earley(cfg, '1++').viable).toBe(false);
  });
});

describe('random regexes', () => {
  it('compile in JavaScript, derive strings both readings accept, and the recognizer agrees with RegExp', () => {
    fc.assert(
      fc.property(regexArb, fc.integer(), (re, seed) => {
        const text = renderRegex(re);
        const regexp = anchored(text);
        const cfg = new Earley(toCfg([re]));
        const rng = new Rng(seed);
        const rnd = (): number => rng.next();
        for (let k = 0; k < 4; k++) {
          const s = sampleString([re], rnd) ?? '';
          expect(regexp.test(s), `${text} should match ${JSON.stringify(s)}`).toBe(true);
          expect(cfg.run(s).complete).toBe(true);
          const cps = Array.from(s);
          expect(cfg.run(cps.slice(0, Math.floor(rnd() * (cps.length + 1))).join('')).viable).toBe(true);
          const m = mutate(s, rnd);
          expect(cfg.run(m).complete, `${text} on ${JSON.stringify(m)}`).toBe(regexp.test(m));
        }
      }),
      { seed: 1201, numRuns: 400 },
    );
  });

  it('write escapes in every form and keep syntax characters literal', () => {
    const lit = (cp: number, form: 'raw' | 'c' | 'x' | 'u' | 'ubrace'): Expr => ({ kind: 'lit', chars: [{ cp, form }] });
    expect(renderRegex(seq(lit(0x2e, 'raw'), lit(0x41, 'x'), lit(0x62, 'raw')))).toBe('\\.\\x41b');
    expect(renderRegex(lit(0x1f600, 'ubrace'))).toBe('\\u{1F600}');
    expect(
      renderRegex({
        kind: 'class',
        items: [
          { kind: 'char', char: { cp: 0x5e, form: 'raw' } },
          { kind: 'char', char: { cp: 0x61, form: 'raw' } },
        ],
        negated: false,
      }),
    ).toBe('[\\^a]');
    expect(anchored('[\\^a]').test('^')).toBe(true);
  });
});

describe('random grammars', () => {
  it('render as EBNF with root first, and every string they derive is recognised, its prefixes viable', () => {
    fc.assert(
      fc.property(grammarArb, fc.integer(), (rules, seed) => {
        expect(renderEbnf(rules).startsWith('root ::= ')).toBe(true);
        const cfg = new Earley(toCfg(rules));
        const rng = new Rng(seed);
        const rnd = (): number => rng.next();
        for (let k = 0; k < 4; k++) {
          const s = sampleString(rules, rnd);
          if (s === null) continue;
          expect(cfg.run(s).complete, `${renderEbnf(rules)} on ${JSON.stringify(s)}`).toBe(true);
          const cps = Array.from(s);
          expect(cfg.run(cps.slice(0, Math.floor(rnd() * (cps.length + 1))).join('')).viable).toBe(true);
        }
      }),
      { seed: 1202, numRuns: 300 },
    );
  });

  it('without recursion, the recognizer agrees with the regex of the inlined rules', () => {
    let compared = 0;
    fc.assert(
      fc.property(grammarArb, fc.integer(), (rules, seed) => {
        const inlined = inlineRules(rules);
        if (inlined === null) return;
        const regexp = anchored(renderRegex(inlined));
        const cfg = new Earley(toCfg(rules));
        const rng = new Rng(seed);
        const rnd = (): number => rng.next();
        for (let k = 0; k < 4; k++) {
          const s = sampleString(rules, rnd) ?? '';
          expect(regexp.test(s)).toBe(true);
          const m = mutate(s, rnd);
          expect(cfg.run(m).complete, `${renderEbnf(rules)} on ${JSON.stringify(m)}`).toBe(regexp.test(m));
          compared++;
        }
      }),
      { seed: 1203, numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(400);
  });
});

/** A minimal instance of a generated schema (undefined for string patterns, which have no cheap example). */
function exampleOf(s: Schema): unknown {
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.anyOf)) return exampleOf(s.anyOf[0] as Schema);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const num = (key: string): number | undefined => (typeof s[key] === 'number' ? (s[key] as number) : undefined);
  switch (type) {
    case 'string':
      return s.pattern === undefined ? 'a'.repeat(num('minLength') ?? 0) : undefined;
    case 'integer': {
      const lo = num('minimum') ?? (num('exclusiveMinimum') ?? NaN) + 1;
      const hi = num('maximum') ?? (num('exclusiveMaximum') ?? NaN) - 1;
      return Number.isNaN(lo) ? (Number.isNaN(hi) ? 0 : hi) : lo;
    }
    case 'number': {
      const lo = num('minimum') ?? num('exclusiveMinimum');
      const hi = num('maximum') ?? num('exclusiveMaximum');
      return lo !== undefined && hi !== undefined ? (lo + hi) / 2 : lo !== undefined ? lo + 1 : hi !== undefined ? hi - 1 : 0;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const prefix = ((s.prefixItems as Schema[] | undefined) ?? []).map(exampleOf);
      const rest = Array.from({ length: num('minItems') ?? 0 }, () => exampleOf(s.items as Schema));
      return [...prefix, ...rest];
    }
    case 'object': {
      const props = s.properties as Record<string, Schema>;
      return Object.fromEntries((s.required as string[]).map((k) => [k, exampleOf(props[k])]));
    }
  }
  throw new Error(`no example for ${JSON.stringify(s)}`);
}

const hasUndefined = (v: unknown): boolean =>
  v === undefined || (typeof v === 'object' && v !== null && Object.values(v).some((x) => hasUndefined(x)));

describe('random JSON Schemas', () => {
  it('compile under ajv (strict, draft 2020-12) and have instances', () => {
    const ajv = new Ajv2020({ strict: true, strictTuples: false, strictNumbers: false, allowUnionTypes: true });
    let checked = 0;
    fc.assert(
      fc.property(jsonSchemaArb, (schema) => {
        const validate = ajv.compile(schema);
        const example = exampleOf(schema);
        if (hasUndefined(example)) return;
        expect(validate(example), `${JSON.stringify(schema)} on ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        checked++;
      }),
      { seed: 1204, numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(300);
  });
});

describe('random choice lists', () => {
  it('are non-empty and hold prefixes of their own choices', () => {
    const lists = fc.sample(choicesArb, { seed: 1205, numRuns: 300 });
    expect(lists.every((l) => l.length > 0)).toBe(true);
    expect(lists.some((l) => l.some((a) => l.some((b) => a !== b && b.startsWith(a))))).toBe(true);
  });
});
