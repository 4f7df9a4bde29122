import fc from 'fast-check';
import type { OpenApiParameter } from '../openapi/json-schema';
import { HOSTILE_STRINGS, type SchemaArbitraries } from './schema-arbitraries';
import type { Operation } from '../openapi/operations';

/** One generated HTTP request. */
export interface RequestCase {
  method: string;
  /** The path with its parameters filled in and percent-encoded (or deliberately left broken). */
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: { contentType?: string; text: string };
  /**
   * The request is broken below the API (unparsable or oversized body, unsupported media type, over-long URL, broken
   * percent-encoding): the server may refuse it early and close the connection while the client is still sending.
   */
  malformed: boolean;
}

/** What the fuzz knows about the platform under test: real values to use next to random ones. */
export interface CaseSources {
  schemas: SchemaArbitraries;
  /** Real values for a path parameter of this operation (ids of fixtures), if any. */
  pathValues(op: Operation, param: string): string[];
  /** Real values for query parameters and headers, by name (headers in lower case). */
  queryValues: Record<string, string[]>;
  headerValues: Record<string, string[]>;
  /** Body arbitraries that reach further than the document's schema (e.g. JSON-patch operations the enums exclude). */
  bodies: Record<string, fc.Arbitrary<unknown>>;
}

/** Longer than the gateway's path parameter limit and Node's 16 KiB limit on the request line and headers. */
const LONG_SEGMENT = 'x'.repeat(500);
const LONG_QUERY = 'q'.repeat(20_000);
const DEEP = 10_000;

// No '.' or '..' (or their encodings): URL parsers resolve them away, so the request would name another route.
const BROKEN_SEGMENTS = ['%zz', '%', '%00', '%ff', '%2F'];
const ODD_SEGMENTS = ['0', '-1', 'null', 'undefined', '00000000-0000-0000-0000-000000000000', 'A'.repeat(36), 'a'.repeat(36), ' ', '~'];
const ODD_QUERY = ['1e20', '-1', '0', 'NaN', 'Infinity', '', '1.5', '99999999999999999999', 'true', '[]', '{}', 'a,b', '%00'];

/** Percent-encodes the UTF-8 bytes of a value (a lone surrogate becomes U+FFFD, as any client would send it). */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

type BodyChoice = { body?: { contentType?: string; text: string }; malformed: boolean };

const asJson = (malformed: boolean) => (text: string) => ({ body: { contentType: 'application/json', text }, malformed });

/** Bodies that are not JSON of any schema: broken syntax, other media types, nesting deeper than any parser should follow, 10 MB + 1. */
const JUNK_BODIES: fc.Arbitrary<BodyChoice> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(
        '',
        '{',
        '{"a":1,}',
        '[1,2',
        '1e400',
        '\u0000',
        `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`,
        `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`,
      )
      .map(asJson(true)),
  },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        'null',
        '[]',
        '"x"',
        '0',
        'true',
        '"\\ud800"',
        '{"a":1,"a":2}',
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      )
      .map(asJson(false)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/xml',
          'application/json-patch+json',
        ),
        fc.constantFrom('{"name":"x"}', 'a=1&b=2&a=3', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', '<a/>'),
      )
      .map(([contentType, text]) => ({ body: { contentType, text }, malformed: true })),
  },
  { weight: 1, arbitrary: fc.constant(`{"a":"${'b'.repeat(10 * 1024 * 1024)}"}`).map(asJson(true)) },
);

/** Request cases for one operation: schema-valid and schema-invalid values for every part, real ids next to random ones. */
export function requestCases(op: Operation, src: CaseSources): fc.Arbitrary<RequestCase> {
  const path = fc.tuple(...op.pathParams.map((p) => pathValue(op, p, src))).map((values) => {
    let malformed = false;
    let i = 0;
    const filled = op.path.replace(/\{([^}]+)\}/g, () => {
      const v = values[i++];
      malformed ||= v.malformed;
      return v.raw;
    });
    return { path: filled, malformed };
  });
  const query = fc
    .tuple(...op.queryParams.map((p) => queryValue(p, src)))
    .map((parts) => ({ query: parts.flatMap((p) => p.pairs), malformed: parts.some((p) => p.malformed) }));
  const headers = fc
    .tuple(...op.headerParams.map((p) => headerValue(p, src)))
    .map((values) => Object.fromEntries(op.headerParams.flatMap((p, i) => (values[i] === undefined ? [] : [[p.name, values[i]]]))));
  // Now and then a URL longer than the server reads (Node's 16 KiB limit on the request line and headers).
  const oversized = fc.oneof({ arbitrary: fc.constant(false), weight: 39 }, { arbitrary: fc.constant(true), weight: 1 });
  return fc.record({ path, query, headers, body: bodyOf(op, src), oversized }).map((c): RequestCase => ({
    method: op.method,
    path: c.path.path,
    query: c.oversized ? [...c.query.query, ['pad', LONG_QUERY]] : c.query.query,
    headers: c.headers as Record<string, string>,
    body: c.body.body,
    malformed: c.path.malformed || c.query.malformed || c.body.malformed || c.oversized,
  }));
}

function pathValue(op: Operation, p: OpenApiParameter, src: CaseSources): fc.Arbitrary<{ raw: string; malformed: boolean }> {
  const real = src.pathValues(op, p.name);
  const encoded = (arb: fc.Arbitrary<string>) => arb.map((v) => ({ raw: percentEncode(v), malformed: false }));
  const options: fc.WeightedArbitrary<{ raw: string; malformed: boolean }>[] = [
    { arbitrary: encoded(fc.uuid({ version: 4 })), weight: 4 },
    {
      arbitrary: encoded(fc.oneof(fc.constantFrom(...ODD_SEGMENTS), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }))),
      weight: 4,
    },
    { arbitrary: fc.constantFrom(...BROKEN_SEGMENTS).map((raw) => ({ raw, malformed: true })), weight: 2 },
    { arbitrary: fc.constant({ raw: LONG_SEGMENT, malformed: true }), weight: 1 },
  ];
  if (real.length) options.push({ arbitrary: encoded(fc.constantFrom(...real)), weight: 12 });
  return fc.oneof(...options);
}

function queryValue(param: OpenApiParameter, src: CaseSources): fc.Arbitrary<{ pairs: [string, string][]; malformed: boolean }> {
  const { name } = param;
  const real = src.queryValues[name] ?? [];
  const schema = param.schema ?? {};
  const derived =
    schema.minimum !== undefined || schema.maximum !== undefined
      ? fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1_000 }).map(String)
      : typeof schema.example === 'string'
        ? fc.constant(schema.example)
        : fc.string({ maxLength: 12 });
  const one = (arb: fc.Arbitrary<string>) => arb.map((v) => ({ pairs: [[name, v]] as [string, string][], malformed: false }));
  const options: fc.WeightedArbitrary<{ pairs: [string, string][]; malformed: boolean }>[] = [
    // Left out: required parameters too, their absence is a case of its own.
    { arbitrary: fc.constant({ pairs: [], malformed: false }), weight: param.required ? 2 : 12 },
    { arbitrary: one(derived), weight: 8 },
    {
      arbitrary: one(
        fc.oneof(
          fc.constantFrom(...ODD_QUERY),
          HOSTILE_STRINGS.filter((v) => v.length < 2_000),
        ),
      ),
      weight: 8,
    },
    // Repeated: the query parser hands the handler an array where it expects a string.
    {
      arbitrary: fc.tuple(derived, derived).map(([a, b]) => ({
        pairs: [
          [name, a],
          [name, b],
        ] as [string, string][],
        malformed: false,
      })),
      weight: 4,
    },
  ];
  if (real.length) options.push({ arbitrary: one(fc.constantFrom(...real)), weight: param.required ? 32 : 16 });
  return fc.oneof(...options);
}

function headerValue(p: OpenApiParameter, src: CaseSources): fc.Arbitrary<string | undefined> {
  const real = src.headerValues[p.name.toLowerCase()] ?? [];
  const options: fc.WeightedArbitrary<string | undefined>[] = [
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.uuid({ version: 4 }), weight: 1 },
    // Header values are visible ASCII: fetch refuses control characters before they leave.
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  ];
  if (real.length) options.push({ arbitrary: fc.constantFrom(...real), weight: 5 });
  return fc.oneof(...options);
}

function bodyOf(op: Operation, src: CaseSources): fc.Arbitrary<BodyChoice> {
  const schema = op.body;
  const override = src.bodies[op.key];
  if (!schema && !override) {
    // GET cannot carry a body over fetch; other methods without one sometimes get one anyway.
    if (op.method === 'GET') return fc.constant({ malformed: false });
    return fc.oneof({ arbitrary: fc.constant({ malformed: false }), weight: 6 }, { arbitrary: JUNK_BODIES, weight: 1 });
  }
  const valid = override ?? src.schemas.valid(schema ?? {});
  const invalid = schema ? src.schemas.invalid(schema) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    { arbitrary: valid.map((v) => asJson(false)(JSON.stringify(v))), weight: 5 },
    { arbitrary: invalid.map((v) => asJson(false)(JSON.stringify(v) ?? 'null')), weight: 4 },
    { arbitrary: JUNK_BODIES, weight: 1 },
  );
}
