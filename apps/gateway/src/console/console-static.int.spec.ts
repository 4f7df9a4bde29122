import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

// A console as `nx build console` lays it out: index.html and hashed assets.
const INDEX = '<!doctype html><html><head><script type="module" src="/ui/assets/index-abc123.js"></script></head><body></body></html>';
const SCRIPT = 'console.log("console");';

let gw: GatewayUnderTest;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets/index-abc123.js'), SCRIPT);
  gw = await startGatewayUnderTest({ PLATFORM_CONSOLE_DIR: dir });
});
afterAll(async () => {
  await gw?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${gw.url}${path}`, { redirect: 'manual' });
const directives = (csp: string | null) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([name, ...values]) => [name, values]),
  );

describe('the web console at /ui/', () => {
  it.each(['/', '/ui'])('%s redirects to /ui/', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui/');
  });

  it.each(['/ui/', '/ui/projects', '/ui/jobs/data/8d2f6c1e-0000-4000-8000-000000000000'])(
    '%s answers the page (the single-page app routes in the browser), revalidated on each visit',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
    },
  );

  it('serves the built assets for a year (hashed names) with the JavaScript type', async () => {
    const res = await get('/ui/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(SCRIPT);
  });

  it('answers an unknown asset 404 in the envelope, not the page', async () => {
    const res = await get('/ui/assets/index-gone.js');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { errors: { code: string }[]; trace: string };
    expect(body.errors[0].code).toBeTruthy();
    expect(body.trace).toBeTruthy();
  });

  it("carries the gateway's security headers: scripts only from the gateway, never inline, no framing", async () => {
    const res = await get('/ui/');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('script-src-attr')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('leaves the API as it was: a route without a token is 401 in the envelope', async () => {
    const res = await get('/v2/projects');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });

  it('answers 404 saying how to build it while the console is not built, and serves it once built, without a restart', async () => {
    rmSync(join(dir, 'index.html'));
    const missing = await get('/ui/projects');
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]).toMatchObject({ code: 'console_not_built' });
    expect(body.errors[0].message).toContain('nx build console');
    writeFileSync(join(dir, 'index.html'), INDEX);
    expect((await get('/ui/projects')).status).toBe(200);
  });
});
