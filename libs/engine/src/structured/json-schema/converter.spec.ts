import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaRefusal } from './context';
import { jsonObjectGrammar, jsonSchemaGrammar, MAX_INDENT } from './converter';
import { GrammarOracle, type Matcher } from './grammar-oracle';

/**
 * The converter's grammars run through xgrammar itself (one token per character) against ajv: what the grammar takes
 * must validate, and within the forms the grammar writes (canonical numbers without exponent, the schema's property
 * order) what validates must be taken. Each finding of the property test (h5-findings B8–B12, C1) has its case.
 */

let oracle: GrammarOracle;
beforeAll(async () => {
  oracle = await GrammarOracle.create();
});

type Schema = Record<string, unknown> | boolean;

/** One Ajv per schema: a long-lived instance was seen to misjudge values after many compiles. */
function validator(schema: Schema): (text: string) => boolean {
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    return validate(value) === true;
  };
}

async function grammarOf(schema: Schema, compact = false): Promise<Matcher> {
  return oracle.compile(jsonSchemaGrammar(schema, { compact }));
}

/** Every text: taken ⇒ valid; and for `complete` texts (in the grammar's own forms) valid ⇒ taken. */
async function expectExact(schema: Schema, texts: string[], complete = true): Promise<void> {
  const m = await grammarOf(schema);
  const valid = validator(schema);
  const wrong = texts.filter((t) => {
    const taken = m.accepts(t);
    return complete ? taken !== valid(t) : taken && !valid(t);
  });
  expect(wrong, `${JSON.stringify(schema)}: ${wrong.map((t) => `${t} ${m.accepts(t) ? 'taken' : 'refused'}`).join(', ')}`).toEqual([]);
}

function refusal(schema: Schema): string {
  try {
    jsonSchemaGrammar(schema);
  } catch (err) {
    expect(err).toBeInstanceOf(SchemaRefusal);
    return (err as Error).message;
  }
  throw new Error(`not refused: ${JSON.stringify(schema)}`);
}

/** Plain decimals -99.999..99.999 with up to 3 fraction digits (and trailing zeros), in canonical integer form. */
function decimals(): string[] {
  const out: string[] = [];
  for (let i = -99; i <= 99; i++)
    for (const frac of ['', '.0', '.00', '.5', '.25', '.250', '.75', '.7500', '.749', '.751', '.001', '.999', '.1', '.01']) {
      out.push(`${i}${frac}`);
      if (i === 0) out.push(`-0${frac}`);
    }
  return out;
}

const integers = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('numbers: exact bounds (B10, B11)', () => {
  it('integer ranges, inclusive and exclusive, around the bounds', async () => {
    const cases: Schema[] = [
      { type: 'integer', minimum: 77555, exclusiveMaximum: 77562 },
      { type: 'integer', minimum: -4 },
      { type: 'integer', exclusiveMinimum: -13716, exclusiveMaximum: -12518 },
      { type: 'integer', minimum: -7, maximum: 12 },
      { type: 'integer', exclusiveMinimum: 9, maximum: 100 },
      { type: 'integer', minimum: 0, maximum: 0 },
      { type: 'integer', minimum: 2.5, exclusiveMaximum: 7.5 },
      { type: 'integer', maximum: -1 },
    ];
    for (const schema of cases) {
      const texts = [...integers(-150, 150), ...integers(-13800, -12400).filter((_, i) => i % 7 === 0), ...integers(77540, 77580)];
      texts.push('-13716', '-13715', '-12518', '-12519', '-0', '007', '1.0', '1e2');
      await expectExact(
        schema,
        texts.filter((t) => !['-0', '007', '1.0', '1e2'].includes(t)),
      );
      await expectExact(schema, ['-0', '007', '1.0', '1e2', '-', ''], false);
    }
    expect((await grammarOf({ type: 'integer', minimum: -4 })).verdict('-')).toBe('prefix');
    expect((await grammarOf({ type: 'integer', minimum: -4 })).accepts('-')).toBe(false);
  });

  it('fractional bounds compare digits, never read a dot as any character', async () => {
    const cases: Schema[] = [
      { type: 'number', maximum: 0.5 },
      { type: 'number', minimum: 2.75, maximum: 3.25 },
      { type: 'number', exclusiveMinimum: 2.75 },
      { type: 'number', exclusiveMinimum: -1.5, exclusiveMaximum: 0.25 },
      { type: 'number', minimum: -0.001, maximum: 0.001 },
      { type: 'number', exclusiveMaximum: 0 },
      { type: 'number', minimum: 0 },
      { type: 'number', minimum: -20, exclusiveMaximum: -19.25 },
    ];
    for (const schema of cases) {
      // `-0` (and -0.0…) is written only where a negative number may be: a subset that is still exact.
      const [negativeZero, others] = [decimals().filter((t) => /^-0(\.0*)?$/.test(t)), decimals().filter((t) => !/^-0(\.0*)?$/.test(t))];
      await expectExact(schema, others);
      await expectExact(schema, negativeZero, false);
      await expectExact(schema, ['0b5', '3g25', '2"75', '1e1', '.5', '1.', '-'], false);
    }
  });

  it('an exclusive bound is not crossed by rounding: digits past the 15th fraction digit are not written', async () => {
    const m = await grammarOf({ type: 'number', exclusiveMinimum: 0.1 });
    expect(m.accepts('0.100000000000001')).toBe(true);
    expect(m.accepts('0.1000000000000000001')).toBe(false); // JSON.parse reads it as 0.1
    expect(refusal({ type: 'integer', exclusiveMinimum: 2 ** 60 })).toMatch(/beyond 2\^53/);
  });

  it('unbounded numbers: JSON syntax, exponents of at most two digits (never Infinity)', async () => {
    const texts = ['0', '-0', '12', '012', '1.5', '1.', '.5', '1e5', '1E+99', '1e-7', '1e999', '-', '+1', '1.5e', '0x1'];
    await expectExact({ type: 'number' }, texts, false);
    const m = await grammarOf({ type: 'number' });
    expect(['0', '-0', '12', '1.5', '1e5', '1E+99', '1e-7'].every((t) => m.accepts(t))).toBe(true);
  });
});

describe('strings (B8, B12)', () => {
  it('no raw control character, even next to another type (B8)', async () => {
    const schema = { type: ['string', 'null'], maxLength: 4 };
    const m = await grammarOf(schema);
    expect(m.accepts('"\u0005;\u0016s"')).toBe(false);
    expect(m.accepts('"B=\u000b\u001c"')).toBe(false);
    expect(m.accepts('"a\tb"')).toBe(false);
    await expectExact(schema, ['"\\u0005;\\u0016s"', '"abcd"', '"abcde"', 'null', '"\\n\\t\\"\\\\"', '"é中😀Ā"', '"é中😀Āé"', '""']);
  });

  it('lengths count characters: an escape or an astral character is one, a surrogate pair escape is one', async () => {
    const schema = { type: 'string', minLength: 2, maxLength: 3 };
    await expectExact(schema, [
      '"ab"',
      '"a"',
      '"abcd"',
      '"\\u0041\\n"',
      '"😀😀"',
      '"😀"',
      '"\\ud83d\\ude00"',
      '"\\ud83d\\ude00x"',
      '"\\/\\b\\f\\r"',
    ]);
    // Past CHAIN_MAX characters, a bounded string is raw characters only (a subset: no escapes), still counted exactly.
    const long = { type: 'string', minLength: 35, maxLength: 40 };
    await expectExact(
      long,
      [34, 35, 40, 41].map((n) => JSON.stringify('é'.repeat(n))),
    );
    expect((await grammarOf(long)).accepts(JSON.stringify(`${'a'.repeat(36)}\n`))).toBe(false);
    const atLeast = await grammarOf({ type: 'string', minLength: 40 });
    expect([39, 40, 90].map((n) => atLeast.accepts(JSON.stringify('x'.repeat(n))))).toEqual([false, true, true]);
    expect(atLeast.accepts(JSON.stringify(`${'x'.repeat(40)}\n"`))).toBe(true); // escapes after the first 40
    const m = await grammarOf({ type: 'string' });
    expect(m.accepts('"\\ud800"')).toBe(false); // a lone surrogate is not a character
    expect(m.accepts('"\\udc00\\ud800"')).toBe(false);
    expect(m.accepts('"\\uD7FF\\uE000\\uFFFF"')).toBe(true);
    expect(m.accepts('"\\x41"')).toBe(false);
  });

  it('pattern: JSON-string content that matches (search reading), no raw quote or control character (B12)', async () => {
    const texts = ['"ab1"', '"ab"', '"1"', '"zz9"', '"xa"', '"x"', '"yxy"', '""', '"a\\"b"', '"\\u0078"', '"é1"', '"ax"'];
    await expectExact({ type: 'string', pattern: '^[a-z]+\\d$' }, texts, false);
    await expectExact({ type: 'string', pattern: 'x' }, texts, false);
    expect((await grammarOf({ type: 'string', pattern: '^[a-z]+\\d$' })).accepts('"ab1"')).toBe(true);
    const m = await grammarOf({ type: 'string', pattern: 'x' });
    expect(['"x"', '"yxy"', '"é x"'].every((t) => m.accepts(t))).toBe(true);
    const anything = await grammarOf({ type: 'string', pattern: '^\\S*$' });
    expect(anything.accepts('"a"b"')).toBe(false);
    expect(anything.accepts('"a\tb"')).toBe(false);
    expect(refusal({ type: 'string', pattern: '^(?:a"b)$' })).toMatch(
      /^pattern "\^\(\?:a\\"b\)\$": the pattern needs the character U\+0022/,
    );
  });

  it('pattern with minLength or maxLength: taken where every match fits them, else refused (B13)', async () => {
    expect(refusal({ type: 'string', pattern: '^(?:[a-z]*)$', maxLength: 2 })).toMatch(/^minLength or maxLength next to a pattern some of/);
    expect(refusal({ type: 'string', pattern: '^[a-z]*$', minLength: 3 })).toMatch(/^minLength or maxLength next to a pattern/);
    expect(refusal({ type: 'string', pattern: '[a-z]{2}', maxLength: 5 })).toMatch(/^minLength or maxLength next to a pattern/); // unanchored
    const fits = { type: 'string', pattern: '^(?:[A-Z]{2}-\\d{3}|x{1,4}y)$', minLength: 2, maxLength: 6 };
    await expectExact(fits, ['"AB-123"', '"xy"', '"xxxxy"', '"A-1"', '"xxxxxy"'], false);
    expect((await grammarOf(fits)).accepts('"xxxxy"')).toBe(true);
  });

  it('formats date, time, date-time, uuid, ipv4 and email validate with ajv-formats', async () => {
    const dates = [
      '2024-02-29',
      '2023-02-29',
      '1900-02-29',
      '2000-02-29',
      '2024-04-31',
      '2024-04-30',
      '2024-12-31',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      '0000-02-29',
    ];
    await expectExact(
      { type: 'string', format: 'date' },
      dates.map((d) => JSON.stringify(d)),
    );
    const times = [
      '23:59:59Z',
      '24:00:00Z',
      '12:60:00Z',
      '12:00:00.123+05:30',
      '12:00:00-23:59',
      '12:00:00+24:00',
      '12:00:00',
      '12:00:60Z',
    ];
    await expectExact(
      { type: 'string', format: 'time' },
      times.map((d) => JSON.stringify(d)),
      false,
    );
    expect((await grammarOf({ format: 'date-time' })).accepts('"2024-02-29T23:59:59.5Z"')).toBe(true);
    const uuids = [
      '123e4567-e89b-12d3-a456-426614174000',
      '123E4567-E89B-12D3-A456-426614174000',
      '123e4567e89b12d3a456426614174000',
      'g23e4567-e89b-12d3-a456-426614174000',
    ];
    await expectExact(
      { type: 'string', format: 'uuid' },
      uuids.map((d) => JSON.stringify(d)),
    );
    const ips = ['0.0.0.0', '255.255.255.255', '256.1.1.1', '01.1.1.1', '1.1.1', '192.168.1.10'];
    await expectExact(
      { type: 'string', format: 'ipv4' },
      ips.map((d) => JSON.stringify(d)),
    );
    const emails = ['a@b.c', 'first.last+tag@example.co.uk', 'a..b@c.d', '@c.d', 'a@b', 'a@-b.c', 'a@b-.c', "o'neil@x-y.org"];
    await expectExact(
      { type: 'string', format: 'email' },
      emails.map((d) => JSON.stringify(d)),
    );
    expect(refusal({ type: 'string', format: 'uri' })).toMatch(
      /format "uri" is not supported \(supported: date, time, date-time, uuid, ipv4, email\)/,
    );
  });
});

describe('objects (B9, C1)', () => {
  it('property names are written as JSON text: control characters, quotes and backslashes escaped (B9, C1)', async () => {
    const schema = {
      type: 'object',
      properties: { '_\t': { type: 'integer' }, 'a"b': { type: 'boolean' }, 'c\\d': { type: 'null' } },
      required: ['_\t'],
    };
    const m = await grammarOf(schema);
    expect(m.accepts('{"_\t":0}')).toBe(false);
    await expectExact(schema, ['{"_\\t":0}', '{"_\\t":0,"a\\"b":true,"c\\\\d":null}', '{"_\\t":0,"c\\\\d":null}', '{"a\\"b":true}']);
  });

  it('optional and required properties in schema order, with commas only between those written', async () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'boolean' }, c: { type: 'null' }, d: { const: 'x' } },
      required: ['b', 'd'],
    };
    const kv: Record<string, string> = { a: '"a":1', b: '"b":true', c: '"c":null', d: '"d":"x"' };
    const texts: string[] = [];
    for (let mask = 0; mask < 16; mask++) {
      const members = ['a', 'b', 'c', 'd'].filter((_, i) => mask & (1 << i)).map((k) => kv[k]);
      texts.push(`{${members.join(',')}}`, `{${members.join(',')},}`, `{,${members.join(',')}}`);
    }
    await expectExact(schema, texts);
    await expectExact(schema, ['{"d":"x","b":true}', '{"b":true,"d":"x","e":1}'], false);
  });

  it('additionalProperties: false by default where properties are listed; true or a schema allows other keys', async () => {
    const strict = await grammarOf({ type: 'object', properties: { a: { type: 'integer' } } });
    expect(['{}', '{"a":1}', '{"b":1}', '{"a":1,"b":1}'].map((t) => strict.accepts(t))).toEqual([true, true, false, false]);
    const open = { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: { type: 'boolean' } };
    await expectExact(open, ['{}', '{"a":1}', '{"b":true}', '{"a":1,"b":true,"ab":false}', '{"a":1,"b":1}', '{"": true}']);
    const m = await grammarOf(open);
    expect(m.accepts('{"a":1,"a":true}')).toBe(false); // no listed name again as an extra key
    expect(m.accepts('{"b":true,"a":1}')).toBe(false); // extras come after the listed properties
    await expectExact({ type: 'object' }, ['{}', '{"x":[1,{"y":null}]}', '{"a":"b","a":"c"}'], false);
    expect((await grammarOf({ type: 'object' })).accepts('{"x":[1,{"y":null}],"z":"é"}')).toBe(true);
  });

  it('a required property that is not listed takes the additionalProperties schema', async () => {
    await expectExact({ type: 'object', required: ['z'], additionalProperties: { type: 'integer' } }, [
      '{}',
      '{"z":1}',
      '{"z":true}',
      '{"z":1,"y":2}',
    ]);
    expect(refusal({ type: 'object', properties: {}, required: ['z'] })).toMatch(
      /no \(finite\) JSON value: required property "z" is not allowed/,
    );
  });
});

describe('arrays, enum, const, combinators, $ref', () => {
  it('items with minItems/maxItems, prefixItems with and without more items', async () => {
    const texts = ['[]', '[1]', '[1,2]', '[1,2,3]', '[1,2,3,4]', '["a"]', '["a",1]', '["a",1,2]', '["a",true]', '[true]'];
    await expectExact({ type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 }, texts);
    // prefixItems without items: no more elements (strict), a subset of what ajv allows.
    await expectExact({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false }, texts);
    expect((await grammarOf({ type: 'array', prefixItems: [{ type: 'string' }] })).accepts('["a",1]')).toBe(false);
    await expectExact({ type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'integer' }, minItems: 2 }, texts);
    await expectExact({ type: 'array', items: false }, texts);
    // Counts beyond the chain of rules fall back to a repetition: still exact.
    const many = (n: number): string => `[${Array.from({ length: n }, (_, i) => i % 10).join(',')}]`;
    await expectExact({ type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 300 }, [0, 1, 2, 257, 300, 301].map(many));
    await expectExact({ type: 'array', items: { type: 'integer' }, minItems: 260 }, [0, 259, 260, 400].map(many));
    await expectExact({ type: 'array' }, texts);
  });

  it('enum and const values of any JSON type, written as their JSON text', async () => {
    const values = ['a"b\n', 1.5, -0, null, true, { k: [1, 'x'] }, [1, [2]], 1e21, '😀'];
    const schema = { enum: values };
    await expectExact(schema, [...values.map((v) => JSON.stringify(v)), '"ab"', '2', 'false', '{}']);
    await expectExact({ const: { a: 'é' } }, ['{"a":"é"}', '{"a":"e"}']);
    await expectExact({ type: 'string', enum: ['a', 1, 'bcd'], maxLength: 2 }, ['"a"', '1', '"bcd"']);
  });

  it('anyOf, oneOf with disjoint branches, allOf of one, type lists', async () => {
    const texts = ['1', '1.5', '"x"', 'null', 'true', '{"kind":"a","n":1}', '{"kind":"b","s":"x"}', '{"kind":"a","s":"x"}'];
    await expectExact({ anyOf: [{ type: 'integer' }, { type: 'string' }] }, texts);
    await expectExact({ oneOf: [{ type: 'number' }, { type: 'null' }] }, texts);
    await expectExact({ oneOf: [{ const: 'x' }, { enum: ['y', 1] }] }, [...texts, '"y"']);
    const tagged = {
      oneOf: [
        { type: 'object', properties: { kind: { const: 'a' }, n: { type: 'integer' } }, required: ['kind', 'n'] },
        { type: 'object', properties: { kind: { const: 'b' }, s: { type: 'string' } }, required: ['kind', 's'] },
      ],
    };
    await expectExact(tagged, texts);
    await expectExact({ allOf: [{ type: 'boolean' }], description: 'x' }, texts);
    await expectExact({ type: ['integer', 'boolean', 'null'] }, texts);
  });

  it('$ref to $defs and definitions, recursion included', async () => {
    const tree = {
      $defs: {
        node: {
          type: 'object',
          properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/node' } } },
          required: ['v'],
        },
      },
      $ref: '#/$defs/node',
    };
    await expectExact(tree, [
      '{"v":1}',
      '{"v":1,"kids":[]}',
      '{"v":1,"kids":[{"v":2,"kids":[{"v":3}]}]}',
      '{"kids":[]}',
      '{"v":1,"kids":[{}]}',
    ]);
    const draft7 = { definitions: { 'a/b': { type: 'string', maxLength: 1 } }, type: 'array', items: { $ref: '#/definitions/a~1b' } };
    await expectExact(draft7, ['[]', '["x"]', '["xy"]', '[1]']);
    await expectExact({ type: 'object', properties: { self: { $ref: '#' } } }, ['{}', '{"self":{}}', '{"self":{"self":{}}}', '{"self":1}']);
    expect(
      refusal({ $defs: { n: { type: 'object', properties: { n: { $ref: '#/$defs/n' } }, required: ['n'] } }, $ref: '#/$defs/n' }),
    ).toMatch(/admits no \(finite\) JSON value/);
  });
});

describe('whitespace', () => {
  it('a gap is nothing, one space, or a line break and up to MAX_INDENT spaces or tabs', async () => {
    const m = await grammarOf({ type: 'object', properties: { a: { type: 'array', items: { type: 'integer' } } } });
    expect(m.accepts('{ "a" : [ 1 , 2 ] }')).toBe(true);
    expect(m.accepts(`{\n  "a": [\n${' '.repeat(MAX_INDENT)}1,\n\t\t2\n  ]\n}`)).toBe(true);
    expect(m.accepts(`{\n${' '.repeat(MAX_INDENT + 1)}"a": []}`)).toBe(false);
    expect(m.accepts('{  "a": []}')).toBe(false);
    expect(m.accepts(' {"a": []}')).toBe(false);
    expect(m.accepts('{"a": []} ')).toBe(false);
    expect(m.accepts('{\r\n"a": []}')).toBe(false);
  });

  it('compact: no whitespace at all (disable_any_whitespace)', async () => {
    const m = await oracle.compile(jsonSchemaGrammar({ type: 'object', properties: { a: { type: 'integer' } } }, { compact: true }));
    expect(m.accepts('{"a":1}')).toBe(true);
    expect(m.accepts('{"a": 1}')).toBe(false);
    const any = await oracle.compile(jsonObjectGrammar({ compact: true }));
    expect(any.accepts('{"a":[1,{"b":null}]}')).toBe(true);
    expect(any.accepts('{"a":[1, 2]}')).toBe(false);
    expect(any.accepts('[1]')).toBe(false);
  });
});

describe('refusals: clear messages naming the keyword and where it is', () => {
  const cases: [Schema, RegExp][] = [
    [{ type: 'bogus' }, /^Unsupported type "bogus"/],
    [{ type: 'object', properties: { a: { not: { type: 'null' } } } }, /^not is not supported .* at #\/properties\/a$/],
    [{ if: { type: 'string' }, then: { maxLength: 1 } }, /^if is not supported/],
    [{ type: 'integer', multipleOf: 3 }, /^multipleOf is not supported/],
    [{ oneOf: [{ type: 'integer' }, { type: 'number' }] }, /^oneOf branches 0 and 1 may both match/],
    [{ oneOf: [{ type: 'string' }, { const: 'x' }] }, /^oneOf branches 0 and 1/],
    [{ allOf: [{ type: 'string' }, { maxLength: 2 }] }, /^allOf with more than one schema is not supported/],
    [{ $ref: 'https://example.com/s.json' }, /^only local \$ref/],
    [{ $ref: '#/$defs/missing' }, /^\$ref "#\/\$defs\/missing" does not resolve/],
    [{ $ref: '#/$defs/a', type: 'string', $defs: { a: {} } }, /^\$ref next to type is not supported/],
    [{ type: 'object', patternProperties: { '^x': {} } }, /^patternProperties is not supported/],
    [{ type: 'array', uniqueItems: true }, /^uniqueItems is not supported/],
    [{ type: 'array', contains: { type: 'integer' } }, /^contains is not supported/],
    [{ type: 'object', properties: { a: {} }, minProperties: 1 }, /^minProperties above/],
    [{ type: 'string', format: 'date', maxLength: 5 }, /next to format "date" is not supported/],
    [{ enum: ['a'], pattern: 'a' }, /^pattern next to enum or const is not supported/],
    [{ type: 'integer', minimum: 5, maximum: 4 }, /no \(finite\) JSON value: no integer meets the bounds at #/],
    [false, /no \(finite\) JSON value: the schema false at #/],
    [{ items: { type: 'string' }, minItems: 1, maxItems: 0 }, /maxItems is below minItems/],
  ];
  it.each(cases)('%j', (schema, message) => {
    expect(refusal(schema)).toMatch(message);
  });

  it('a schema nested too deep or needing too large a grammar', () => {
    let deep: Schema = { type: 'integer' };
    for (let i = 0; i < 70; i++) deep = { type: 'array', items: deep };
    expect(refusal(deep)).toMatch(/nests deeper than 64 levels/);
    const wide = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`property_${i}`, { enum: [`value_${i}_a`, `value_${i}_b`] }])),
    };
    expect(refusal(wide)).toMatch(/needs a grammar over/);
  });
});
