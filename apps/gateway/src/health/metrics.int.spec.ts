import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '@platform/test-fixtures';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

const METRICS_TOKEN = 'prometheus-scrape-token-for-tests';

let gw: GatewayUnderTest;
beforeAll(async () => {
  gw = await startGatewayUnderTest({ PLATFORM_METRICS_TOKEN: METRICS_TOKEN });
});
afterAll(async () => gw?.stop());

const metrics = (authorization?: string) => fetch(`${gw.url}/metrics`, { headers: authorization ? { authorization } : {} });

async function userToken(username: string): Promise<string> {
  const admin = { 'content-type': 'application/json', authorization: `Bearer ${await gw.adminToken()}` };
  const created = await fetch(`${gw.url}/v2/users`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ username, password: `${username}-pw-1` }),
  });
  expect(created.status).toBe(201);
  const login = await fetch(`${gw.url}/icp4d-api/v1/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username}-pw-1` }),
  });
  return ((await login.json()) as { token: string }).token;
}

describe('/metrics on the public port', () => {
  it('refuses anonymous callers and wrong tokens with 401 in the envelope', async () => {
    for (const auth of [undefined, 'Bearer not-the-token', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`]) {
      const res = await metrics(auth);
      expect(res.status, auth).toBe(401);
      expect(await res.json()).toMatchObject({ status_code: 401, errors: [{ code: 'unauthorized' }] });
    }
  });

  it('refuses a signed-in user who is not a platform admin with 403', async () => {
    expect((await metrics(`Bearer ${await userToken('metrics-reader')}`)).status).toBe(403);
  });

  it('serves Prometheus text to the configured metrics token and to platform admins', async () => {
    for (const auth of [`Bearer ${METRICS_TOKEN}`, `Bearer ${await gw.adminToken()}`]) {
      const res = await metrics(auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toContain('http_requests_total');
    }
  });

  it('counts answered requests by route template and status', async () => {
    const count = async (route: string, status: number) => {
      const text = await (await metrics(`Bearer ${METRICS_TOKEN}`)).text();
      return metricValue(text, `http_requests_total{method="GET",route="${route}",status="${status}",service="gateway"}`) ?? 0;
    };
    const [missing, anonymous] = [await count('/v2/projects/:id', 404), await count('/v2/projects', 401)];
    const authorization = `Bearer ${await gw.adminToken()}`;
    await fetch(`${gw.url}/v2/projects/${randomUUID()}`, { headers: { authorization } });
    await fetch(`${gw.url}/v2/projects/${randomUUID()}`, { headers: { authorization } });
    await fetch(`${gw.url}/v2/projects`);
    await expect.poll(() => count('/v2/projects/:id', 404)).toBe(missing + 2);
    await expect.poll(() => count('/v2/projects', 401)).toBe(anonymous + 1);
  });

  it('is left out of the OpenAPI document, like /health', async () => {
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });
});
