import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

let gw: GatewayUnderTest;
beforeAll(async () => {
  gw = await startGatewayUnderTest();
});
afterAll(async () => gw?.stop());

const directives = (csp: string | null) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([name, ...values]) => [name, values]),
  );

describe('security headers', () => {
  it.each([
    ['an API answer', '/v2/projects'],
    ['an error', '/v2/projects/nope'],
    ['the documentation', '/docs'],
  ])('%s says nosniff, may not be framed, sends no referrer and carries a CSP', async (_what, path) => {
    const res = await fetch(`${gw.url}${path}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
  });

  it('let Swagger UI at /docs run: every script it loads comes from the gateway, none is inline, and each is served', async () => {
    const res = await fetch(`${gw.url}/docs`);
    const html = await res.text();
    const csp = directives(res.headers.get('content-security-policy'));
    // Scripts: only files from the gateway itself, so 'self' suffices and no inline script would run.
    expect(csp.get('script-src')).toEqual(["'self'"]);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const [, attributes, inline] of scripts) {
      expect(inline.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1] ?? '';
      expect(src).toMatch(/^\.\/docs\//);
      const asset = await fetch(new URL(src, `${gw.url}/docs`));
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type'), src).toMatch(/javascript/);
      // Read to its end: an unread answer keeps its connection busy, and the gateway's close waits on it.
      expect((await asset.text()).length, src).toBeGreaterThan(0);
    }
    // The page has a <style> block and inline style attributes; Swagger UI's icons are data: URIs.
    expect(html).toMatch(/<style>/);
    expect(csp.get('style-src')).toContain("'unsafe-inline'");
    expect(csp.get('img-src')).toContain('data:');
    // The embedded default serves plain http: nothing may be upgraded to https.
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    for (const [, href] of html.matchAll(/<link[^>]+href="([^"]+)"/g)) expect(href).toMatch(/^\.\/docs\//);
  });
});

describe('Cache-Control', () => {
  const noStore = (res: Response) => expect(res.headers.get('cache-control')).toBe('no-store');

  it('is no-store on token answers and on answers that carry a key', async () => {
    const authorize = await fetch(`${gw.url}/icp4d-api/v1/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: gw.adminPassword }),
    });
    expect(authorize.status).toBe(200);
    noStore(authorize);
    const token = ((await authorize.json()) as { token: string }).token;

    const key = await fetch(`${gw.url}/v2/api_keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'cache-check' }),
    });
    expect(key.status).toBe(201);
    noStore(key);
    const secret = ((await key.json()) as { api_key: string }).api_key;
    expect(secret).toEqual(expect.any(String));

    const iam = await fetch(`${gw.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: secret }).toString(),
    });
    expect(iam.status).toBe(200);
    noStore(iam);
  });

  it('is no-store on every API answer and on errors', async () => {
    noStore(await fetch(`${gw.url}/v2/projects`, { headers: { authorization: `Bearer ${await gw.adminToken()}` } }));
    noStore(await fetch(`${gw.url}/v2/projects`));
  });
});
