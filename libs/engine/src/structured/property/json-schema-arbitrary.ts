import fc from 'fast-check';
import { Rng } from '../../rng';
import { textArb } from './chars';
import type { Expr } from './expr';
import { regexArb } from './regex-arbitrary';
import { renderRegex } from './render';
import { sampleString } from './witness';

/**
 * Random JSON Schemas (draft 2020-12) within what xgrammar's converter supports: the scalar types with their bounds
 * (string lengths and patterns, integer and number ranges, exclusive or not), enum and const with values that need
 * escaping, arrays (items, prefixItems, minItems, maxItems), nested objects with a random required subset and
 * additionalProperties false, a schema or absent, anyOf, and type lists. Every schema is satisfiable.
 */

export type Schema = Record<string, unknown>;

const jsonScalarArb: fc.Arbitrary<unknown> = fc.oneof(
  textArb(6),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0.5, -2.25, 1e-7, 123456.789, 1e21),
  fc.boolean(),
  fc.constant(null),
);
const jsonValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: jsonScalarArb, weight: 6 },
  { arbitrary: fc.array(jsonScalarArb, { maxLength: 2 }), weight: 1 },
  { arbitrary: fc.dictionary(textArb(3), jsonScalarArb, { maxKeys: 2 }), weight: 1 },
);

/** Mostly identifier-like names, as real schemas have; a quarter from the escaping-heavy pool. */
const propertyNameArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z_][a-zA-Z0-9_]{0,5}$/), weight: 3 },
  { arbitrary: textArb(5), weight: 1 },
);

const stringArb: fc.Arbitrary<Schema> = fc.oneof(
  fc
    .record({ min: fc.integer({ min: 0, max: 3 }), extra: fc.integer({ min: 0, max: 6 }), which: fc.constantFrom('both', 'min', 'max') })
    .map(({ min, extra, which }) => ({
      type: 'string',
      ...(which !== 'max' ? { minLength: min } : {}),
      ...(which !== 'min' ? { maxLength: min + extra } : {}),
    })),
  fc.constant({ type: 'string' }),
  // Anchored, so ajv's search semantics and xgrammar's whole-string semantics agree.
  regexArb.map((re) => ({ type: 'string', pattern: `^(?:${renderRegex(re)})$` })),
  // A pattern with a length bound some matching string meets: at least the shortest match's length as maxLength, or
  // the length of a string the pattern derives as minLength.
  fc
    .record({ re: regexArb, extra: fc.integer({ min: 0, max: 3 }), seed: fc.integer(), upper: fc.boolean() })
    .map(({ re, extra, seed, upper }) => {
      const pattern = `^(?:${renderRegex(re)})$`;
      if (upper) return { type: 'string', pattern, maxLength: shortest(re) + extra };
      const rng = new Rng(seed);
      const example = sampleString([re], () => rng.next()) ?? '';
      return { type: 'string', pattern, minLength: Array.from(example).length };
    }),
);

/** Code points in the shortest string a regex tree matches. */
function shortest(e: Expr): number {
  switch (e.kind) {
    case 'lit':
      return e.chars.length;
    case 'class':
    case 'shorthand':
      return 1;
    case 'seq':
      return e.items.reduce((n, it) => n + shortest(it), 0);
    case 'alt':
      return Math.min(...e.options.map(shortest));
    case 'group':
      return shortest(e.body);
    case 'rep':
      return e.min * shortest(e.body);
    case 'ref':
      throw new Error('a regex has no rule references');
  }
}

const boundArb = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -100000, max: 100000 }));

const integerArb: fc.Arbitrary<Schema> = fc
  .record({
    lo: fc.option(boundArb, { nil: undefined }),
    span: fc.integer({ min: 0, max: 5000 }),
    hi: fc.boolean(),
    exclusiveLo: fc.boolean(),
    exclusiveHi: fc.boolean(),
  })
  .map(({ lo, span, hi, exclusiveLo, exclusiveHi }) => {
    const s: Schema = { type: 'integer' };
    // At least one integer must fit: exclusive bounds need a gap of 2.
    const top = (lo ?? 0) + span + (exclusiveLo ? 1 : 0) + (exclusiveHi ? 1 : 0);
    if (lo !== undefined) s[exclusiveLo ? 'exclusiveMinimum' : 'minimum'] = lo;
    if (hi) s[exclusiveHi ? 'exclusiveMaximum' : 'maximum'] = lo === undefined ? span : top;
    return s;
  });

const numberArb: fc.Arbitrary<Schema> = fc
  .record({
    lo: fc.option(fc.oneof(boundArb, fc.constantFrom(-1.5, 0.25, 2.75, -0.001)), { nil: undefined }),
    span: fc.option(fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0.5, 1.25, 0.01)), { nil: undefined }),
    exclusive: fc.boolean(),
  })
  .map(({ lo, span, exclusive }) => {
    const s: Schema = { type: 'number' };
    if (lo !== undefined) s[exclusive ? 'exclusiveMinimum' : 'minimum'] = lo;
    if (span !== undefined) s[exclusive ? 'exclusiveMaximum' : 'maximum'] = (lo ?? 0) + span;
    return s;
  });

const leafArb: fc.Arbitrary<Schema> = fc.oneof(
  { arbitrary: stringArb, weight: 4 },
  { arbitrary: integerArb, weight: 3 },
  { arbitrary: numberArb, weight: 2 },
  { arbitrary: fc.constantFrom({ type: 'boolean' }, { type: 'null' }), weight: 2 },
  { arbitrary: fc.array(jsonValueArb, { minLength: 1, maxLength: 4 }).map((values) => ({ enum: values })), weight: 2 },
  { arbitrary: jsonValueArb.map((value) => ({ const: value })), weight: 1 },
  { arbitrary: fc.constantFrom({ type: ['string', 'null'], maxLength: 4 }, { type: ['integer', 'boolean'] }), weight: 1 },
);

export const jsonSchemaArb: fc.Arbitrary<Schema> = fc.letrec<{ node: Schema; array: Schema; tuple: Schema; object: Schema; anyOf: Schema }>(
  (tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: leafArb, weight: 5 },
      { arbitrary: tie('object'), weight: 3 },
      { arbitrary: tie('array'), weight: 2 },
      { arbitrary: tie('tuple'), weight: 1 },
      { arbitrary: tie('anyOf'), weight: 1 },
    ),
    array: fc
      .record({
        items: tie('node'),
        min: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        extra: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      })
      .map(({ items, min, extra }) => ({
        type: 'array',
        items,
        ...(min !== undefined ? { minItems: min } : {}),
        ...(extra !== undefined ? { maxItems: (min ?? 0) + extra } : {}),
      })),
    tuple: fc
      .record({ prefixItems: fc.array(tie('node'), { minLength: 1, maxLength: 3 }), closed: fc.boolean() })
      .map(({ prefixItems, closed }) => ({ type: 'array', prefixItems, ...(closed ? { items: false } : {}) })),
    object: fc
      .record({
        props: fc.uniqueArray(fc.tuple(propertyNameArb, tie('node'), fc.boolean()), { maxLength: 4, selector: ([k]) => k }),
        additional: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 4 },
          { arbitrary: fc.constant(false), weight: 2 },
          { arbitrary: fc.constant({ type: 'integer' }), weight: 1 },
        ),
      })
      .map(({ props, additional }) => ({
        type: 'object',
        properties: Object.fromEntries(props.map(([k, s]) => [k, s])),
        required: props.filter(([, , req]) => req).map(([k]) => k),
        ...(additional !== undefined ? { additionalProperties: additional } : {}),
      })),
    anyOf: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((anyOf) => ({ anyOf })),
  }),
).node;

/** What the model is asked for: a JSON Schema whose top level is an object, as response_format json_schema is used. */
export const topLevelSchemaArb: fc.Arbitrary<Schema> = fc.oneof(
  { arbitrary: jsonSchemaArb, weight: 1 },
  { arbitrary: jsonSchemaArb.filter((s) => s.type === 'object'), weight: 3 },
);
