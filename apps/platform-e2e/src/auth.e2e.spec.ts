import { SignJWT } from 'jose';
import { CloudPakForDataAuthenticator, IamAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { Client } from 'pg';
import { waitFor } from '@platform/test-fixtures';
import { envelopeOf, type ApiResponse } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({
    env: {
      // A short first block, so the back-off test waits one out; inference (no model runs in this file) gets a bucket
      // of two, so a route class's 429 shows in both error shapes.
      PLATFORM_SIGNIN_BLOCK_SECONDS: '2',
      PLATFORM_RATE_LIMIT_INFERENCE_BURST: '2',
      PLATFORM_RATE_LIMIT_INFERENCE_PER_MINUTE: '1',
    },
  });
});
afterAll(async () => platform?.stop());

/**
 * Announces a body above the gateway's limit but sends only its first bytes: the gateway answers 413 from the
 * Content-Length alone, and the client never races it by writing into a socket that is being closed.
 */
function announceOversizedBody(url: string, token: string, length: number): Promise<ApiResponse<unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(length) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          req.destroy();
          const headers = new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)] as [string, string]));
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers });
        });
      },
    );
    req.on('error', reject);
    req.write('{"name":"');
  });
}

/** Runs an IBM SDK authenticator and returns the bearer token it would send. */
async function tokenFrom(authenticator: { authenticate(o: { headers?: Record<string, string> }): Promise<void> }): Promise<string> {
  const opts: { headers: Record<string, string> } = { headers: {} };
  await authenticator.authenticate(opts);
  return opts.headers.Authorization.replace(/^Bearer /, '');
}

describe('authentication', () => {
  it('CP4D authorize accepts a password or an API key and issues a JWT with iat/exp', async () => {
    const { api, secrets } = platform;
    const byPassword = await api.request<{ token: string }>('POST', '/icp4d-api/v1/authorize', {
      body: { username: 'admin', password: secrets.adminPassword },
    });
    expect(byPassword.status).toBe(200);
    const byKey = await api.request<{ token: string }>('POST', '/icp4d-api/v1/authorize', {
      body: { username: 'admin', api_key: secrets.adminApiKey },
    });
    expect(byKey.status).toBe(200);
    const claims = JSON.parse(Buffer.from(byKey.body.token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBeGreaterThan(0);
    expect((await api.request('GET', '/v2/projects', { token: byKey.body.token })).status).toBe(200);
  });

  it('IAM token endpoint takes a form-encoded API key grant', async () => {
    const res = await platform.api.request<Record<string, unknown>>('POST', '/identity/token', {
      body: `grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=${encodeURIComponent(platform.secrets.adminApiKey)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      expiration: expect.any(Number),
      refresh_token: expect.any(String),
    });
    const refresh = res.body.refresh_token as string;
    const misuse = await platform.api.request('GET', '/v2/projects', { token: refresh });
    expect(misuse.status).toBe(401);
  });

  it('the official IBM SDK authenticators obtain working tokens', async () => {
    const iam = await tokenFrom(new IamAuthenticator({ apikey: platform.secrets.adminApiKey, url: platform.url }));
    const cp4d = await tokenFrom(
      new CloudPakForDataAuthenticator({ username: 'admin', apikey: platform.secrets.adminApiKey, url: `${platform.url}/icp4d-api` }),
    );
    for (const token of [iam, cp4d])
      expect((await platform.api.request('GET', '/v2/users/me', { token })).body).toMatchObject({ username: 'admin' });
  });

  it('wrong credentials are 401 in the envelope', async () => {
    const { api } = platform;
    const wrongPassword = await api.request('POST', '/icp4d-api/v1/authorize', { body: { username: 'admin', password: 'nope-nope' } });
    expect(wrongPassword.status).toBe(401);
    expect(envelopeOf(wrongPassword).code).toBe('unauthorized');
    const wrongKey = await api.request('POST', '/identity/token', {
      body: 'grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=bogus',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongKey.status).toBe(401);
    const both = await api.request('POST', '/icp4d-api/v1/authorize', { body: { username: 'admin', password: 'x', api_key: 'y' } });
    expect(both.status).toBe(400);
    const badGrant = await api.request('POST', '/identity/token', {
      body: 'grant_type=password&apikey=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(envelopeOf(badGrant).target).toEqual({ type: 'field', name: 'grant_type' });
  });

  it('protected routes need a valid, unexpired bearer token', async () => {
    const { api, secrets } = platform;
    const none = await api.request('GET', '/v2/projects');
    expect(none.status).toBe(401);
    expect(envelopeOf(none).target).toEqual({ type: 'header', name: 'Authorization' });
    expect((await api.request('GET', '/v2/projects', { token: 'not-a-jwt' })).status).toBe(401);
    expect((await api.request('GET', '/v2/projects', { headers: { authorization: 'Basic abc' } })).status).toBe(401);

    const key = new TextEncoder().encode(secrets.jwtSecret);
    const me = (await api.request<{ id: string }>('GET', '/v2/users/me', { token: await api.adminToken() })).body.id;
    const sign = (exp: number, k = key) =>
      new SignJWT({ username: 'admin', role: 'admin', use: 'access' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(me)
        .setIssuer('llm-platform')
        .setIssuedAt(exp - 3600)
        .setExpirationTime(exp)
        .sign(k);
    const expired = await api.request('GET', '/v2/projects', { token: await sign(Math.floor(Date.now() / 1000) - 60) });
    expect(expired.status).toBe(401);
    expect(envelopeOf(expired).message).toMatch(/expired/);
    const forged = await api.request('GET', '/v2/projects', {
      token: await sign(Math.floor(Date.now() / 1000) + 600, new TextEncoder().encode('another-secret-entirely')),
    });
    expect(forged.status).toBe(401);
    expect((await api.request('GET', '/v2/projects', { token: await sign(Math.floor(Date.now() / 1000) + 600) })).status).toBe(200);
  });

  it('health and the OpenAPI document are public; metrics are for admins (or PLATFORM_METRICS_TOKEN)', async () => {
    const { api } = platform;
    expect((await api.request('GET', '/health')).body).toMatchObject({ status: 'ok', checks: { database: 'ok', taxonomy: 'ok' } });
    expect((await api.request('GET', '/metrics')).status).toBe(401);
    const metrics = await api.request('GET', '/metrics', { token: await api.adminToken() });
    expect(metrics.body).toContain('http_requests_total');
    const doc = await api.request<{ openapi: string; paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/projects/{project_id}/taxonomies', '/v2/projects', '/v2/spaces', '/identity/token']),
    );
    expect((await api.request('GET', '/docs')).status).toBe(200);
  });
});

describe('transaction ids and the error envelope', () => {
  it('echoes X-Global-Transaction-Id and uses it as the trace', async () => {
    const res = await platform.api.request('GET', '/v2/nothing-here', {
      token: await platform.api.adminToken(),
      headers: { 'X-Global-Transaction-Id': 'trace-e2e-1' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-global-transaction-id')).toBe('trace-e2e-1');
    expect(envelopeOf(res).code).toBe('not_found');
  });

  it('generates a transaction id when none (or an unsafe one) is sent', async () => {
    const res = await platform.api.request('GET', '/health', { headers: { 'X-Global-Transaction-Id': 'bad id with spaces' } });
    expect(res.headers.get('x-global-transaction-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('malformed JSON and oversized bodies are 400/413 envelopes', async () => {
    const token = await platform.api.adminToken();
    const bad = await platform.api.request('POST', '/v2/projects', { token, body: '{"name":' });
    expect(bad.status).toBe(400);
    envelopeOf(bad);
    const huge = await announceOversizedBody(`${platform.url}/v2/projects`, token, 11 * 1024 * 1024);
    expect(huge.status).toBe(413);
    envelopeOf(huge);
  });
});

describe('users and API keys', () => {
  it('only admins create users; duplicates are 409; every invalid field is reported', async () => {
    const { api } = platform;
    const admin = await api.adminToken();
    const carol = await api.newUser('carol');
    const byUser = await api.request('POST', '/v2/users', { token: carol, body: { username: 'dave', password: 'long-enough' } });
    expect(byUser.status).toBe(403);
    expect(envelopeOf(byUser).code).toBe('forbidden');
    const dup = await api.request('POST', '/v2/users', { token: admin, body: { username: 'carol', password: 'long-enough' } });
    expect(dup.status).toBe(409);
    const invalid = await api.request<{ errors: { target: { name: string } }[] }>('POST', '/v2/users', {
      token: admin,
      body: { username: '-x', password: 'short', role: 'root' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e) => e.target.name).sort()).toEqual(['password', 'role', 'username']);
  });

  it('a user creates, uses and deletes an API key', async () => {
    const { api } = platform;
    const erin = await api.newUser('erin');
    const created = await api.request<{ id: string; api_key: string }>('POST', '/v2/api_keys', { token: erin, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    const login = await api.request<{ token: string }>('POST', '/icp4d-api/v1/authorize', {
      body: { username: 'erin', api_key: created.body.api_key },
    });
    expect(login.status).toBe(200);
    const wrongUser = await api.request('POST', '/icp4d-api/v1/authorize', { body: { username: 'admin', api_key: created.body.api_key } });
    expect(wrongUser.status).toBe(401);
    const listed = await api.request<{ api_keys: { id: string }[] }>('GET', '/v2/api_keys', { token: erin });
    expect(listed.body.api_keys.map((k) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.api_key);
    expect((await api.request('DELETE', `/v2/api_keys/${created.body.id}`, { token: erin })).status).toBe(204);
    expect(
      (await api.request('POST', '/icp4d-api/v1/authorize', { body: { username: 'erin', api_key: created.body.api_key } })).status,
    ).toBe(401);
  });
  /** PLATFORM_ACCESS_CACHE_MS's default: how long another gateway replica may still admit a deleted key's tokens. */
  const LIVENESS_WINDOW_MS = 5000;

  it("a token minted from an API key stops working once the key is deleted, and a deleted user's tokens too", async () => {
    const { api } = platform;
    const fay = await api.newUser('fay');
    const mint = async () => {
      const key = await api.request<{ id: string; api_key: string }>('POST', '/v2/api_keys', { token: fay, body: { name: 'laptop' } });
      const cp4d = await api.request<{ token: string }>('POST', '/icp4d-api/v1/authorize', {
        body: { username: 'fay', api_key: key.body.api_key },
      });
      const iam = await api.request<{ access_token: string }>('POST', '/identity/token', {
        body: `grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=${encodeURIComponent(key.body.api_key)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      return { id: key.body.id, tokens: [cp4d.body.token, iam.body.access_token] };
    };
    const status = async (token: string) => (await api.request('GET', '/v2/users/me', { token })).status;
    // Polled: the refusal must come within the window (plus room for a busy machine), not at a fixed instant.
    const refusedWithinWindow = (token: string) => waitFor(async () => (await status(token)) === 401, LIVENESS_WINDOW_MS + 3000, 100);

    // Deleted through this gateway: refused at once.
    const first = await mint();
    for (const token of first.tokens) expect(await status(token)).toBe(200);
    expect((await api.request('DELETE', `/v2/api_keys/${first.id}`, { token: fay })).status).toBe(204);
    for (const token of first.tokens) {
      const refused = await api.request('GET', '/v2/users/me', { token });
      expect(refused.status).toBe(401);
      expect(envelopeOf(refused).message).toMatch(/API key .* deleted/);
    }
    // The password sign-in's token is not tied to any key.
    expect(await status(fay)).toBe(200);

    // Deleted behind this gateway's back (as another replica would): refused within the cache window.
    const db = new Client({ connectionString: platform.options.databaseUrl });
    await db.connect();
    try {
      const second = await mint();
      for (const token of second.tokens) expect(await status(token)).toBe(200);
      await db.query('DELETE FROM identity.api_keys WHERE id = $1', [second.id]);
      for (const token of second.tokens) await refusedWithinWindow(token);

      // A deleted user (no API route deletes users; an operator can): every token of hers is refused the same way.
      const third = await mint();
      await db.query(`DELETE FROM identity.memberships WHERE user_id = (SELECT id FROM identity.users WHERE username = 'fay')`);
      await db.query(`UPDATE identity.containers SET creator_id = (SELECT id FROM identity.users WHERE username = 'admin')
        WHERE creator_id = (SELECT id FROM identity.users WHERE username = 'fay')`);
      await db.query(`DELETE FROM identity.users WHERE username = 'fay'`);
      for (const token of [fay, ...third.tokens]) await refusedWithinWindow(token);
    } finally {
      await db.end();
    }
  });
});

describe('rate limits', () => {
  const signIn = (username: string, password: string) =>
    platform.api.request<{ token: string }>('POST', '/icp4d-api/v1/authorize', { body: { username, password } });

  it('the 11th wrong password of an account is 429 with Retry-After, until the block ends; then the right password works', async () => {
    await platform.api.newUser('gina');
    for (let i = 1; i <= 10; i++) expect((await signIn('gina', `guess-${i}`)).status).toBe(401);
    const blocked = await signIn('gina', 'guess-11');
    expect(blocked.status).toBe(429);
    const error = envelopeOf(blocked);
    expect(error.code).toBe('too_many_requests');
    expect(error.message).toMatch(/try again in \d+ seconds?/);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    // Blocked means blocked: not even the right password is checked meanwhile.
    expect((await signIn('gina', 'gina-password')).status).toBe(429);
    // The account is blocked, not the address: other accounts sign in from it.
    expect((await signIn('admin', platform.secrets.adminPassword)).status).toBe(200);
    // The block is in the audit log, after the ten failures.
    const audit = await platform.api.request<{ audit_events: { reason: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/audit_events?action=sign_in.blocked&target=gina',
      { token: await platform.api.adminToken() },
    );
    expect(audit.body.audit_events).toEqual([
      expect.objectContaining({
        reason: '10 failed sign-ins in a row',
        details: expect.objectContaining({ blocked: 'account', seconds: 2 }),
      }),
    ]);
    // Once the block is over the real user gets in (polled: the block is 2 s, the deadline generous).
    await waitFor(async () => (await signIn('gina', 'gina-password')).status === 200, 30_000, 250);
    // ...and that success reset her count: one more wrong password is a plain 401 again.
    expect((await signIn('gina', 'guess-12')).status).toBe(401);
  });

  it("a route class's bucket is per user: 429 with Retry-After in the envelope, and in OpenAI's shape on /openai/v1", async () => {
    const { api } = platform;
    const hank = await api.newUser('hank');
    const chat = (token: string) =>
      api.request<{ error?: { code: string; type: string } }>('POST', '/openai/v1/chat/completions', {
        token,
        body: { model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] },
      });
    const first = await chat(hank);
    expect(first.status).not.toBe(429);
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect((await chat(hank)).status).not.toBe(429);

    const refused = await chat(hank);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // The same bucket on a watsonx.ai inference route, in the IBM envelope.
    const watsonx = await api.request('POST', '/ml/v1/text/generation?version=2024-05-01', {
      token: hank,
      body: { model_id: 'no-such-model', input: 'hi', project_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(watsonx.status).toBe(429);
    expect(envelopeOf(watsonx).code).toBe('too_many_requests');
    expect(Number(watsonx.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other classes of hers, and other users' inference, are not touched.
    expect((await api.request('GET', '/v2/users/me', { token: hank })).status).toBe(200);
    expect((await chat(await api.adminToken())).status).not.toBe(429);
  });
});

describe('audit log', () => {
  type AuditEvent = {
    action: string;
    actor: { id: string | null; name: string | null; address: string | null };
    target: { type: string; id: string | null; name: string | null } | null;
    reason: string | null;
    details: Record<string, unknown>;
  };
  const events = async (query: string) => {
    const res = await platform.api.request<{ audit_events: AuditEvent[]; total_count: number }>('GET', `/v1/audit_events?${query}`, {
      token: await platform.api.adminToken(),
    });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('records a failed sign-in, a key creation and a member change, readable by platform admins only', async () => {
    const { api } = platform;
    expect((await api.request('POST', '/icp4d-api/v1/authorize', { body: { username: 'audit-nobody', password: 'a-guess' } })).status).toBe(
      401,
    );
    const ivy = await api.newUser('ivy');
    const key = await api.request<{ id: string; api_key: string }>('POST', '/v2/api_keys', { token: ivy, body: { name: 'ivy-ci' } });
    expect(key.status).toBe(201);
    const admin = await api.adminToken();
    const project = await api.newProject(admin, 'audited');
    const added = await api.request('POST', `/v2/projects/${project}/members`, {
      token: admin,
      body: { members: [{ user_name: 'ivy', role: 'viewer' }] },
    });
    expect(added.status).toBeLessThan(300);
    const secret = await api.request<{ id: string }>('POST', '/api/v2/secrets', {
      token: admin,
      body: {
        name: 'audited-git',
        secret_type: 'username_password',
        username: 'git-user',
        password: 'audited-secret-value',
        allowed_urls: ['https://git.example.com/'],
      },
    });
    expect(secret.status).toBe(201);
    expect((await api.request('DELETE', `/api/v2/secrets/${secret.body.id}`, { token: admin })).status).toBe(204);

    const failed = await events('action=sign_in.failed&actor=audit-nobody');
    expect(failed.total_count).toBe(1);
    expect(failed.audit_events[0]).toMatchObject({ reason: 'unknown_user', actor: { id: null, name: 'audit-nobody' } });
    expect(failed.audit_events[0].actor.address).toMatch(/127\.0\.0\.1/);

    const keys = await events('action=api_key.created&actor=ivy');
    expect(keys.audit_events.map((e) => e.target)).toEqual([{ type: 'api_key', id: key.body.id, name: 'ivy-ci' }]);
    const members = await events(`action=member&target=ivy`);
    expect(members.audit_events[0]).toMatchObject({
      action: 'member.added',
      actor: { name: 'admin' },
      details: { container_kind: 'project', container_id: project, role: 'viewer' },
    });
    expect((await events('action=user.created&target=ivy')).audit_events[0].actor.name).toBe('admin');
    expect((await events('action=sign_in.succeeded&actor=ivy')).total_count).toBeGreaterThanOrEqual(1);
    const secrets = await events(`action=secret&target=${secret.body.id}`);
    expect(secrets.audit_events.map((e) => e.action)).toEqual(['secret.deleted', 'secret.created']);
    expect(secrets.audit_events[1].target).toMatchObject({ type: 'secret', name: 'audited-git' });
    // Credentials never reach the log.
    const everything = JSON.stringify(await events('limit=500'));
    for (const value of [key.body.api_key, 'a-guess', 'ivy-password', 'audited-secret-value', platform.secrets.adminPassword])
      expect(everything).not.toContain(value);

    const asViewer = await api.request('GET', '/v1/audit_events', { token: ivy });
    expect(asViewer.status).toBe(403);
    expect(envelopeOf(asViewer).code).toBe('forbidden');
    const bad = await api.request('GET', '/v1/audit_events?since=yesterday', { token: admin });
    expect(bad.status).toBe(400);
    expect(envelopeOf(bad).target).toEqual({ type: 'field', name: 'since' });
  });
});
