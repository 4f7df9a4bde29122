import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

let gw: GatewayUnderTest;
beforeAll(async () => {
  gw = await startGatewayUnderTest();
});
afterAll(async () => gw?.stop());

interface OpenApi {
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
}

const TOKEN_ISSUING = ['post /icp4d-api/v1/authorize', 'post /identity/token'];

describe('the OpenAPI document', () => {
  it('marks every authenticated operation with the bearer scheme and the token-issuing ones with none', async () => {
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as OpenApi;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method} ${path}`, security: op.security })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const open = operations.filter((o) => o.security?.length === 0).map((o) => o.key);
    expect(open.sort()).toEqual(TOKEN_ISSUING);
    for (const o of operations.filter((x) => !TOKEN_ISSUING.includes(x.key))) expect(o.security, o.key).toEqual([{ bearer: [] }]);
  });

  it('tells the truth: the operations it marks public answer without a token, a sample of the others refuse', async () => {
    const login = await fetch(`${gw.url}/icp4d-api/v1/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: gw.adminPassword }),
    });
    expect(login.status).toBe(200);
    for (const path of ['/v2/projects', '/v2/spaces', '/v1/taxonomies', '/api/v2/secrets', '/openai/v1/models'])
      expect((await fetch(`${gw.url}${path}`)).status, path).toBe(401);
  });
});
