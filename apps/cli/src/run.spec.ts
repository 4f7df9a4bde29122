import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Io } from './output';
import { run } from './run';

function capture(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), errIsTty: false, errStream: new PassThrough(), env };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ilab command line', () => {
  it('--help prints usage on stdout and exits 0', async () => {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/Usage: ilab/);
    expect(c.out()).toMatch(/taxonomy/);
    const sub = capture();
    expect(await run(['data', 'get', '--help'], sub.io)).toBe(0);
    expect(sub.out()).toMatch(/--watch/);
    expect(sub.out()).toMatch(/--output <format>/);
  });

  it.each([
    [['bogus']],
    [['taxonomy']],
    [['taxonomy', 'create', '--name', 'n']],
    [['taxonomy', 'get']],
    [['taxonomy', 'list', '--unknown']],
    [['data', 'list', '--output', 'xml']],
    [['data', 'create', '--name', 'n']],
    [['data', 'get', '--id', 'x', '--watch', '--interval', 'soon']],
    [['model', 'train', '--data-id', 'd']],
    [['model', 'get', '--id']],
  ])('a usage error exits 2 without calling the API: %j', async (argv) => {
    const c = capture({ ILAB_API_KEY: 'k', ILAB_URL: 'http://127.0.0.1:1' });
    expect(await run(argv, c.io)).toBe(2);
    expect(c.err()).not.toBe('');
    expect(c.out()).toBe('');
  });

  it('missing credentials are a usage error (2) with a readable message', async () => {
    const c = capture();
    expect(await run(['taxonomy', 'list'], c.io)).toBe(2);
    expect(c.err()).toMatch(/No credentials: pass --api-key \(or set ILAB_API_KEY\), or set ILAB_TOKEN/);
  });

  it('a missing tarball is a usage error, found before anything is uploaded', async () => {
    const c = capture({ ILAB_TOKEN: 't' });
    expect(await run(['taxonomy', 'create', '--name', 'n', '--file', '/nonexistent/taxonomy.tar.gz'], c.io)).toBe(2);
    expect(c.err()).toMatch(/--file \/nonexistent\/taxonomy.tar.gz is not a readable file/);
  });

  it('an unreachable gateway exits 1 naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const c = capture({ ILAB_TOKEN: 't' });
    expect(await run(['--url', url, 'model', 'list'], c.io)).toBe(1);
    expect(c.err()).toContain(`Cannot reach ${url}: ECONNREFUSED`);
    // global flags are accepted after the verb too
    const after = capture({ ILAB_TOKEN: 't' });
    expect(await run(['data', 'list', '--url', url], after.io)).toBe(1);
    expect(after.err()).toContain(`Cannot reach ${url}`);
  });
});
