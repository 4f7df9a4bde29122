import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

let gw: GatewayUnderTest;
let token: string;
beforeAll(async () => {
  gw = await startGatewayUnderTest();
  token = await gw.adminToken();
});
afterAll(async () => gw?.stop());

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${gw.url}${path}`, { method, body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const signedIn = () => ({ authorization: `Bearer ${token}` });

/** The first error of an IBM envelope, checked for its shape. */
function firstError(a: Answer): { code: string; message: string; target?: { type: string; name: string } } {
  expect(a.body).toMatchObject({ status_code: a.status, trace: expect.any(String), errors: expect.any(Array) });
  return (a.body.errors as { code: string; message: string; target?: { type: string; name: string } }[])[0];
}

/** Announces a body of `length` bytes and sends its first bytes only: the answer comes from Content-Length alone. */
function announce(path: string, length: number, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${gw.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(length), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    // A server that waits for the rest instead of answering fails the test rather than hanging it.
    req.setTimeout(15_000, () => req.destroy(new Error('no answer before the body was sent')));
    req.write('{"name":"');
  });
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('JSON nested 10,000 deep', () => {
  it.each([
    ['POST', '/icp4d-api/v1/authorize', `{"username":${nested(10_000)}}`, {}, 4],
    ['POST', '/identity/token', `{"apikey":${nested(10_000)}}`, {}, 4],
    ['POST', '/v2/projects', `{"name":"p","storage":${nested(10_000)}}`, signedIn(), 32],
    [
      'PATCH',
      '/v2/spaces/00000000-0000-4000-8000-000000000000',
      nested(10_000),
      { ...signedIn(), 'content-type': 'application/json-patch+json' },
      32,
    ],
    ['POST', '/ml/v1/text/generation?version=2024-05-31', `{"input":${nested(10_000)}}`, signedIn(), 64],
  ])('%s %s is a 400 naming the depth limit, before anything else', async (method, path, body, headers, depth) => {
    const answer = await send(method, path, body, headers);
    expect(answer.status).toBe(400);
    expect(firstError(answer).message).toMatch(new RegExp(`nests deeper than ${depth} levels`));
  });

  it('is refused in OpenAI’s shape on /openai/v1, even before the caller is known', async () => {
    const answer = await send('POST', '/openai/v1/chat/completions', `{"model":"m","messages":${nested(10_000)}}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/nests deeper than 64/) } });
  });
});

describe('NUL characters', () => {
  it('in a body string are a 400 naming the field, not a database error', async () => {
    const answer = await send('POST', '/v2/projects', JSON.stringify({ name: 'a\u0000b' }), signedIn());
    expect(answer.status).toBe(400);
    expect(firstError(answer)).toMatchObject({ target: { type: 'field', name: 'name' }, message: expect.stringMatching(/NUL/) });
    const nestedField = await send('POST', '/v2/spaces', JSON.stringify({ name: 's', tags: ['ok', 'b\u0000d'] }), signedIn());
    expect(firstError(nestedField).target).toEqual({ type: 'field', name: 'tags.1' });
  });

  it('in a form field, a query parameter or a path parameter are a 400 naming it', async () => {
    const form = await send('POST', '/identity/token', 'grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=a%00b', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(400);
    expect(firstError(form).target).toEqual({ type: 'field', name: 'apikey' });
    const query = await send('GET', '/v2/projects?name=a%00b', undefined, signedIn());
    expect(query.status).toBe(400);
    expect(firstError(query).target).toEqual({ type: 'field', name: 'name' });
    const path = await send('GET', '/v2/spaces/abc%00def', undefined, signedIn());
    expect(path.status).toBe(400);
    expect(firstError(path).target).toEqual({ type: 'field', name: 'id' });
  });
});

describe('the size limits of each route class', () => {
  it('reads at most 32 KiB on the login routes and 1 MiB on management routes: 413 naming the limit', async () => {
    const login = await announce('/icp4d-api/v1/authorize', 33 * 1024);
    expect(login.status).toBe(413);
    expect(firstError(login)).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(/32 KiB, the limit of auth routes/),
    });
    const sent = await send('POST', '/icp4d-api/v1/authorize', JSON.stringify({ username: 'admin', password: 'x'.repeat(33 * 1024) }));
    expect(sent.status).toBe(413);
    const project = await announce('/v2/projects', 2 * 1024 * 1024, signedIn());
    expect(project.status).toBe(413);
    expect(firstError(project).message).toMatch(/1 MiB, the limit of management routes/);
    // Model input may be larger: the body is read and judged on its content.
    const input = JSON.stringify({ model_id: 'm', input: 'x'.repeat(2 * 1024 * 1024) });
    const generation = await send('POST', '/ml/v1/text/generation?version=2024-05-31', input, signedIn());
    expect(generation.status).toBe(400);
    expect(firstError(generation).message).not.toMatch(/limit of/);
  });

  it('bound strings and collections before validation, naming the field', async () => {
    const long = await send('POST', '/icp4d-api/v1/authorize', JSON.stringify({ username: 'admin', password: 'x'.repeat(5000) }));
    expect(long.status).toBe(400);
    expect(firstError(long)).toMatchObject({
      target: { type: 'field', name: 'password' },
      message: expect.stringMatching(/longer than 4096 characters, the limit of auth routes/),
    });
    const members = Array.from({ length: 1001 }, (_, i) => ({ user_name: `u${i}`, role: 'viewer' }));
    const many = await send('POST', '/v2/projects/00000000-0000-4000-8000-000000000000/members', JSON.stringify({ members }), signedIn());
    expect(many.status).toBe(400);
    expect(firstError(many)).toMatchObject({
      target: { type: 'field', name: 'members' },
      message: expect.stringMatching(/1001 items, more than 1000/),
    });
  });
});

describe('paging parameters', () => {
  it.each(['/v2/projects', '/v2/spaces'])('%s refuses a malformed or out-of-range start or limit with 400 naming it', async (list) => {
    for (const [query, name] of [
      ['start=1e20', 'start'],
      ['limit=1e20', 'limit'],
      ['limit=0', 'limit'],
      ['limit=-1', 'limit'],
      ['start=%20', 'start'],
    ]) {
      const answer = await send('GET', `${list}?${query}`, undefined, signedIn());
      expect(answer.status, query).toBe(400);
      expect(firstError(answer).target).toEqual({ type: 'field', name });
    }
  });
});
