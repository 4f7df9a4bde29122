import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

let gw: GatewayUnderTest;
beforeAll(async () => {
  gw = await startGatewayUnderTest({
    PLATFORM_RATE_LIMIT_AUTH_BURST: '4',
    PLATFORM_RATE_LIMIT_AUTH_PER_MINUTE: '1',
    PLATFORM_RATE_LIMIT_WRITES_BURST: '2',
    PLATFORM_RATE_LIMIT_WRITES_PER_MINUTE: '1',
  });
});
afterAll(async () => gw?.stop());

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('the rate-limit guard', () => {
  it('charges the sign-in routes to the client address, bad requests included, and leaves health alone', async () => {
    // The first sign-in (the admin token) took one of the four.
    await gw.adminToken();
    expect((await post('/icp4d-api/v1/authorize', { username: 'admin' })).status).toBe(400);
    const last = await post('/icp4d-api/v1/authorize', { username: 'nobody', password: 'x' });
    expect(last.status).toBe(401);
    expect(last.headers.get('ratelimit-remaining')).toBe('1');
    expect((await post('/icp4d-api/v1/authorize', { username: 'nobody', password: 'x' })).status).toBe(401);
    const refused = await post('/icp4d-api/v1/authorize', { username: 'admin', password: gw.adminPassword });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { errors: { code: string }[]; status_code: number };
    expect(body).toMatchObject({ errors: [{ code: 'too_many_requests' }], status_code: 429 });
    expect((await fetch(`${gw.url}/health?live`)).status).toBe(200);
  });

  it("charges other routes to the signed-in user's bucket of their class", async () => {
    const token = await gw.adminToken();
    expect((await post('/v2/api_keys', { name: 'one' }, token)).status).toBe(201);
    expect((await post('/v2/api_keys', { name: 'two' }, token)).status).toBe(201);
    const refused = await post('/v2/api_keys', { name: 'three' }, token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // Reads are another bucket.
    expect((await fetch(`${gw.url}/v2/api_keys`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
