import fc from 'fast-check';
import { resolveSchema, type JsonSchema, type OpenApiDocument } from '../openapi/json-schema';

export interface SchemaArbitraryOptions {
  /** Values to prefer for properties of these names (real ids, served model names), mixed with schema-derived ones. */
  hints?: Record<string, fc.Arbitrary<unknown>>;
  /**
   * Upper bounds for properties that buy work (generated tokens, fan-out): a number's maximum or an array's maxItems.
   * Valid values always carry them, so a default never asks for more; invalid ones still break the declared bounds.
   */
  costCaps?: Record<string, number>;
}

/** Small collections and shallow nesting keep every case cheap; the bounds a schema declares are still crossed by `invalid`. */
const MAX_ITEMS = 3;
const MAX_DEPTH = 6;
const PLAIN_STRING = 24;

/**
 * Hostile strings that no DTO forbids by shape: NUL and lone surrogates (databases and encoders), path and query
 * syntax, markup, a long word (tokenizers), a long line of words.
 */
export const HOSTILE_STRINGS: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u0301',
    '../../../../etc/passwd',
    '%00%2e%2e%2f',
    "' OR '1'='1' --",
    '${jndi:ldap://127.0.0.1/a}',
    '<script>alert(1)</script>',
    '{{7*7}}',
    '__proto__',
    'constructor',
    ' ',
    '',
  ),
  fc.constantFrom(1_000, 200_000).map((n) => 'a'.repeat(n)),
  fc.constant('the quick brown fox '.repeat(2_000)),
);

/** Wrong-typed stand-ins for a value of any type (each schema type filters out its own). */
const ANY_WRONG: fc.Arbitrary<unknown>[] = [
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0),
  fc.string({ maxLength: 8 }),
  fc.constant([]),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
  fc.constant({}),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
];

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A value of another type than the schema's; none when the schema accepts any type. */
function wrongTypeFor(s: JsonSchema): fc.Arbitrary<unknown> | undefined {
  if (!s.type) return undefined;
  const accepted = s.type === 'integer' ? 'number' : s.type;
  return fc.oneof(...ANY_WRONG).filter((v) => typeOf(v) !== accepted);
}

/** Valid and invalid values of the gateway's OpenAPI schemas, as fast-check arbitraries. */
export class SchemaArbitraries {
  private readonly hints: Record<string, fc.Arbitrary<unknown>>;
  private readonly caps: Record<string, number>;

  constructor(
    private readonly doc: OpenApiDocument,
    opts: SchemaArbitraryOptions = {},
  ) {
    this.hints = opts.hints ?? {};
    this.caps = opts.costCaps ?? {};
  }

  /** Values the schema accepts (as far as OpenAPI can say; the DTOs may check more). */
  valid(schema: JsonSchema, name?: string, depth = 0): fc.Arbitrary<unknown> {
    const derived = this.derived(resolveSchema(this.doc, schema), name, depth);
    const hint = name !== undefined ? this.hints[name] : undefined;
    return hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: derived, weight: 1 }) : derived;
  }

  /**
   * Values the schema refuses: the whole value of the wrong type, out of its bounds, a required property dropped, or
   * one property or item made invalid in turn (the rest valid), so the refusal is exercised deep in the body. Strings
   * also get hostile values that no shape forbids (and which may therefore be valid).
   */
  invalid(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    const s = resolveSchema(this.doc, schema);
    const options: fc.Arbitrary<unknown>[] = [];
    const wrongType = wrongTypeFor(s);
    if (wrongType) options.push(wrongType);
    const bounds = this.outOfBounds(s);
    if (bounds) options.push(bounds);
    if (depth < MAX_DEPTH && s.type === 'object' && s.properties) {
      const props = s.properties;
      const names = Object.keys(props);
      const required = s.required ?? [];
      if (required.length) {
        options.push(
          fc
            .tuple(this.valid(s, undefined, depth), fc.constantFrom(...required))
            .map(([v, drop]) => omit(v as Record<string, unknown>, drop)),
        );
      }
      if (names.length) {
        options.push(
          fc
            .constantFrom(...names)
            .chain((bad) =>
              fc
                .tuple(this.valid(s, undefined, depth), this.invalid(props[bad], depth + 1))
                .map(([v, wrong]) => ({ ...(v as Record<string, unknown>), [bad]: wrong })),
            ),
        );
      }
    }
    if (depth < MAX_DEPTH && s.type === 'array' && s.items) {
      const items = s.items;
      options.push(
        fc
          .tuple(this.invalid(items, depth + 1), fc.array(this.valid(items, undefined, depth + 1), { maxLength: 1 }))
          .map(([bad, rest]) => [...rest, bad]),
      );
    }
    // A schema that accepts anything can still be given something no handler expects.
    if (!options.length) options.push(fc.oneof(...ANY_WRONG));
    return fc.oneof(...options);
  }

  private derived(s: JsonSchema, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
    if (s.enum?.length) return fc.constantFrom(...s.enum);
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives?.length) return fc.oneof(...alternatives.map((a) => this.valid(a, undefined, depth + 1)));
    if (s.allOf?.length) return this.valid(mergeAll(this.doc, s.allOf), name, depth);
    const cap = name !== undefined ? this.caps[name] : undefined;
    switch (s.type) {
      case 'string':
        return this.string(s);
      case 'integer':
      case 'number':
        return number(s, cap);
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const max = Math.min(s.maxItems ?? MAX_ITEMS, cap ?? MAX_ITEMS, MAX_ITEMS);
        const min = Math.min(s.minItems ?? 0, max);
        if (!s.items || depth >= MAX_DEPTH) return fc.constant([]);
        return fc.array(this.valid(s.items, undefined, depth + 1), { minLength: min, maxLength: max });
      }
      case 'object':
      case undefined:
        if (s.properties) return this.object(s, depth);
        if (s.type === undefined) return fc.jsonValue({ maxDepth: 2 });
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
    }
  }

  private object(s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const props = s.properties ?? {};
    if (depth >= MAX_DEPTH) return fc.constant({});
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of Object.entries(props)) model[k] = this.valid(v, k, depth + 1);
    const capped = Object.keys(props).filter((k) => this.caps[k] !== undefined);
    return fc.record(model, { requiredKeys: [...new Set([...(s.required ?? []), ...capped])] });
  }

  private string(s: JsonSchema): fc.Arbitrary<string> {
    const min = s.minLength ?? 0;
    const max = s.maxLength ?? Infinity;
    const fits = (v: string) => v.length >= min && v.length <= max;
    let derived: fc.Arbitrary<string>;
    if (s.format === 'uuid') derived = fc.uuid({ version: 4 });
    else if (s.pattern) derived = fc.stringMatching(new RegExp(s.pattern), { size: min > 8 ? 'medium' : 'small' }).filter(fits);
    else
      derived = fc.oneof(
        { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, min + PLAIN_STRING) }) },
        // Valid in shape, hostile in content (NUL, lone surrogates, a 200,000-character word): no DTO forbids them,
        // so they reach the services, which must still answer with a 4xx or a success.
        { weight: 1, arbitrary: HOSTILE_STRINGS.filter(fits) },
      );
    return typeof s.example === 'string' && fits(s.example) ? fc.oneof(fc.constant(s.example), derived) : derived;
  }

  private outOfBounds(s: JsonSchema): fc.Arbitrary<unknown> | undefined {
    const out: fc.Arbitrary<unknown>[] = [];
    if (s.enum?.length) out.push(fc.string({ maxLength: 12 }).filter((v) => !s.enum?.includes(v)));
    if (s.type === 'string') {
      if (s.maxLength !== undefined) out.push(fc.integer({ min: s.maxLength + 1, max: s.maxLength + 64 }).map((n) => 'x'.repeat(n)));
      if (s.minLength) out.push(fc.string({ maxLength: s.minLength - 1 }));
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        out.push(fc.oneof(fc.string({ maxLength: 12 }), HOSTILE_STRINGS).filter((v) => !re.test(v)));
      }
      if (s.format === 'uuid') out.push(fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-00000000000g', ''));
      // No shape forbids them, but they must still end in a 4xx or a success, never a 5xx.
      out.push(HOSTILE_STRINGS);
    }
    if (s.type === 'number' || s.type === 'integer') {
      if (s.minimum !== undefined) out.push(fc.constantFrom(s.minimum - 1, s.exclusiveMinimum ? s.minimum : s.minimum - 0.5, -1e308));
      if (s.maximum !== undefined) out.push(fc.constantFrom(s.maximum + 1, s.maximum + 0.5, 1e308));
      if (s.type === 'integer') out.push(fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => !Number.isInteger(v)));
    }
    if (s.type === 'array') {
      if (s.maxItems !== undefined) out.push(fc.constant(Array.from({ length: s.maxItems + 1 }, () => (s.items ? {} : null))));
      if (s.minItems) out.push(fc.constant([]));
    }
    return out.length ? fc.oneof(...out) : undefined;
  }
}

function number(s: JsonSchema, cap: number | undefined): fc.Arbitrary<number> {
  // Capped fields are counts (tokens, generations): whole and at least 1 when valid (0 often means "the default").
  const min = cap !== undefined ? Math.max(s.minimum ?? 1, 1) : (s.minimum ?? -1_000);
  const max = Math.min(s.maximum ?? 100_000, cap ?? Infinity);
  const exclusive = !!s.exclusiveMinimum;
  const intMin = exclusive && Number.isInteger(min) ? min + 1 : Math.ceil(min);
  const intMax = Math.floor(max);
  const ints = intMin <= intMax ? fc.integer({ min: intMin, max: intMax }) : undefined;
  if (ints && (s.type === 'integer' || cap !== undefined)) return ints;
  const doubles = fc.double({ min, max, minExcluded: exclusive, noNaN: true, noDefaultInfinity: true });
  return ints ? fc.oneof({ arbitrary: ints, weight: 3 }, { arbitrary: doubles, weight: 1 }) : doubles;
}

function mergeAll(doc: OpenApiDocument, parts: JsonSchema[]): JsonSchema {
  const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
  for (const part of parts) {
    const p = resolveSchema(doc, part);
    Object.assign(merged.properties as object, p.properties);
    merged.required?.push(...(p.required ?? []));
  }
  return merged;
}

function omit(v: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = v;
  return rest;
}
