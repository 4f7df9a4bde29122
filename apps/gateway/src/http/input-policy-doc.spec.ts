import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PATH_PARAM_CHARS, MAX_QUERY_VALUE_CHARS, ROUTE_CLASSES, formatBytes } from './input-limits';

const doc = readFileSync(join(__dirname, '../../../../docs/http-input-policy.md'), 'utf8');
const rowOf = (name: string) => doc.split('\n').find((line) => line.startsWith(`| ${name} |`)) ?? '';
const cells = (row: string) => row.split('|').map((c) => c.trim());
const n = (x: number) => x.toLocaleString('en-US');

describe('docs/http-input-policy.md', () => {
  it.each(ROUTE_CLASSES.map((c) => [c.name, c] as const))('states the %s limits as the code applies them', (name, limits) => {
    const [, , , body, depth, chars, items] = cells(rowOf(name));
    // A raw body is streamed, not parsed: only its size is bounded.
    const json = (x: number) => (limits.raw ? '—' : n(x));
    expect([body, depth, chars, items]).toEqual([
      formatBytes(limits.bodyBytes),
      json(limits.depth),
      json(limits.stringChars),
      json(limits.collectionItems),
    ]);
  });

  it('states the path and query parameter limits', () => {
    expect(doc).toContain(`| one path parameter | ${MAX_PATH_PARAM_CHARS} characters |`);
    expect(doc).toContain(`| one query parameter value or name | ${n(MAX_QUERY_VALUE_CHARS)} characters |`);
  });
});
