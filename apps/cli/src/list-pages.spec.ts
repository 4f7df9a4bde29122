import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from './output';
import { run } from './run';

/** A gateway answering /v1/taxonomies in pages of two: start '' → a,b; 'p2' → c,d; 'p3' → e. */
const PAGES: Record<string, { ids: string[]; next?: string }> = {
  '': { ids: ['a', 'b'], next: 'p2' },
  p2: { ids: ['c', 'd'], next: 'p3' },
  p3: { ids: ['e'] },
};
const asked: string[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const start = new URL(req.url ?? '/', 'http://x').searchParams.get('start') ?? '';
    const page = PAGES[start];
    const taxonomies = page.ids.map((id) => ({ id, name: `t-${id}`, created_at: '2025-01-01T00:00:00.000Z' }));
    const body = {
      taxonomies,
      total_count: 5,
      limit: 2,
      first: { href: 'http://gw/v1/taxonomies?limit=2' },
      ...(page.next ? { next: { href: `http://gw/v1/taxonomies?limit=2&start=${page.next}`, start: page.next } } : {}),
    };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ilab <resource> list', () => {
  it('follows next.start to the last page and prints every item once', async () => {
    const out: string[] = [];
    const io: Io = {
      out: (s) => out.push(s),
      err: () => undefined,
      errIsTty: false,
      errStream: new PassThrough(),
      env: { ILAB_TOKEN: 't' },
    };
    expect(await run(['--url', url, 'taxonomy', 'list', '--output', 'json'], io)).toBe(0);
    const printed = JSON.parse(out.join('')) as { taxonomies: { id: string }[]; next?: unknown; total_count: number };
    expect(printed.taxonomies.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(printed.total_count).toBe(5);
    expect(printed).not.toHaveProperty('next');
    expect(asked).toEqual(['/v1/taxonomies', '/v1/taxonomies?start=p2', '/v1/taxonomies?start=p3']);
  });
});
