import fc from 'fast-check';
import { type Char, type CharForm, type ClassItem, classCharSet, type Expr, MAX_CP } from './expr';

/**
 * Characters for the random cases: mostly ASCII, weighted towards what needs escaping somewhere (regex and EBNF syntax,
 * quotes, backslashes, line breaks and other controls, hex digits right after an escape) and multi-byte UTF-8 (Latin-1,
 * the rest of the BMP, astral), since a byte-level vocabulary has to assemble those from single bytes under the mask.
 */

const ASCII_PLAIN = 'abcxyzABFZ0179_ ';
const SYNTAX = '^$\\.*+?()[]{}|/-"\'#:,=<>@~`!%&;';
const CONTROLS = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x1b, 0x7f];
const WIDE = [0xe9, 0xa0, 0xff, 0xdf, 0x41b, 0x4e2d, 0x20ac, 0x2028, 0xfeff, 0x1f600, 0x1d11e];

export const codePointArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...Array.from(ASCII_PLAIN, (c) => c.codePointAt(0) ?? 0)), weight: 6 },
  { arbitrary: fc.constantFrom(...Array.from(SYNTAX, (c) => c.codePointAt(0) ?? 0)), weight: 4 },
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 3 },
  { arbitrary: fc.constantFrom(...CONTROLS), weight: 1 },
  { arbitrary: fc.constantFrom(...WIDE), weight: 2 },
);

const FORMS: CharForm[] = ['raw', 'c', 'x', 'u', 'ubrace'];

export const charArb: fc.Arbitrary<Char> = fc.record({
  cp: codePointArb,
  form: fc.oneof({ arbitrary: fc.constant<CharForm>('raw'), weight: 6 }, { arbitrary: fc.constantFrom(...FORMS), weight: 2 }),
});

/** A plain string from the same pool (choices, enum values, property names). */
export const textArb = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(codePointArb, { maxLength }).map((cps) => String.fromCodePoint(...cps));

const rangeArb: fc.Arbitrary<ClassItem> = fc
  .oneof(
    fc.constantFrom<[number, number]>(
      [0x61, 0x7a],
      [0x41, 0x5a],
      [0x30, 0x39],
      [0x20, 0x2f],
      [0x80, 0x7ff],
      [0x100, 0xffff],
      [0x20, 0x10ffff],
    ),
    fc.tuple(codePointArb, codePointArb).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a])),
  )
  .chain(([lo, hi]) => fc.record({ lo: charArb.map((c) => ({ ...c, cp: lo })), hi: charArb.map((c) => ({ ...c, cp: hi })) }))
  .map(({ lo, hi }) => ({ kind: 'range', lo, hi }));

/** A character class; `shorthands` allows `\d`, `\w`, `\s` and their negations inside it (regexes only). */
export function classArb(shorthands: boolean): fc.Arbitrary<Expr> {
  const items: fc.Arbitrary<ClassItem>[] = [charArb.map((char): ClassItem => ({ kind: 'char', char })), rangeArb];
  if (shorthands)
    items.push(
      fc.constantFrom<ClassItem>(...(['d', 'w', 's', 'D', 'W', 'S'] as const).map((name) => ({ kind: 'shorthand' as const, name }))),
    );
  return fc
    .record({
      kind: fc.constant('class' as const),
      items: fc.array(fc.oneof(...items), { minLength: 1, maxLength: 4 }),
      negated: fc.boolean(),
    })
    .filter(({ items, negated }) => !negated || !coversEverything(classCharSet(items, false).ranges));
}

/** A negated class over everything matches nothing: such a language is empty and no output could satisfy it. */
function coversEverything(ranges: readonly (readonly [number, number])[]): boolean {
  let next = 0;
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) if (lo <= next) next = Math.max(next, hi + 1);
  return next > MAX_CP;
}

export const litArb = (minLength: number, maxLength: number): fc.Arbitrary<Expr> =>
  fc.array(charArb, { minLength, maxLength }).map((chars) => ({ kind: 'lit', chars }));

export const repBoundsArb: fc.Arbitrary<{ min: number; max: number | null }> = fc.oneof(
  fc.constantFrom({ min: 0, max: 1 }, { min: 0, max: null }, { min: 1, max: null }),
  fc
    .record({ min: fc.integer({ min: 0, max: 3 }), extra: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) })
    .map(({ min, extra }) => ({
      min,
      max: extra === null ? null : min + extra,
    })),
);
