import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

let gw: GatewayUnderTest;
beforeAll(async () => {
  gw = await startGatewayUnderTest();
});
afterAll(async () => gw?.stop());

interface RawAnswer {
  statusLine: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Sends `head` as written on a socket and reads the whole answer, so the status line is seen as the server wrote it. */
function rawRequest(head: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let text = '';
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [top, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = top.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ statusLine, headers, body: JSON.parse(rest.join('\r\n\r\n')) as Record<string, unknown> });
    });
  });
}

const get = (path: string, extra = '') => rawRequest(`GET ${path} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n${extra}\r\n`);

function expectEnvelope(a: RawAnswer, status: number, code: string) {
  expect(a.body).toMatchObject({ status_code: status, errors: [{ code, message: expect.any(String), more_info: expect.any(String) }] });
  expect(a.body.trace).toBe(a.headers['x-global-transaction-id']);
  // Written before the security-headers hook could run, yet with the security headers of every other answer.
  expect(a.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
}

describe('refusals made before any route runs', () => {
  it('a path parameter over the policy length is a 414 in the envelope, with its own status text', async () => {
    const answer = await get(`/v2/projects/${'a'.repeat(300)}`);
    expect(answer.statusLine).toBe('HTTP/1.1 414 URI Too Long');
    expectEnvelope(answer, 414, 'uri_too_long');
    expect((answer.body.errors as { more_info: string }[])[0].more_info).toBe('https://cloud.ibm.com/apidocs/watson-data-api-cpd');
    // Within the limit, the same route answers for itself.
    expect((await get(`/v2/projects/${'a'.repeat(200)}`)).statusLine).toBe('HTTP/1.1 401 Unauthorized');
  });

  it('a path that does not percent-decode is a 400 in the envelope', async () => {
    const answer = await get('/v2/projects/%zz');
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expectEnvelope(answer, 400, 'invalid_request');
  });

  it('headers over 16 KiB are a 431 in the envelope, written before Fastify sees a request', async () => {
    const answer = await get('/v2/projects', `X-Padding: ${'a'.repeat(20_000)}\r\n`);
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expectEnvelope(answer, 431, 'header_fields_too_large');
    expect((answer.body.errors as { message: string }[])[0].message).toMatch(/16 KiB/);
  });

  it('answer in OpenAI’s shape on /openai/v1', async () => {
    // A model id over the path parameter limit is the 414, in OpenAI's shape.
    const long = await get(`/openai/v1/models/${'m'.repeat(300)}`);
    expect(long.statusLine).toBe('HTTP/1.1 414 URI Too Long');
    expect(long.body).toMatchObject({ error: { code: 'uri_too_long', type: 'invalid_request_error' } });
    // A long path no route matches is its 404, in OpenAI's shape, not judged as a parameter.
    const unknown = await get(`/openai/v1/${'m'.repeat(300)}/x`);
    expect(unknown.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(unknown.body).toMatchObject({ error: { code: 'not_found', type: 'invalid_request_error' } });
    const headers = await get('/openai/v1/models', `X-Padding: ${'a'.repeat(20_000)}\r\n`);
    expect(headers.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(headers.body).toMatchObject({ error: { code: 'header_fields_too_large', type: 'invalid_request_error' } });
    // A request line that is itself the overflow (a 20,000-character query) still names its route.
    const longLine = await get(`/openai/v1/models?pad=${'q'.repeat(20_000)}`);
    expect(longLine.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(longLine.body).toMatchObject({ error: { code: 'header_fields_too_large', type: 'invalid_request_error' } });
  });
});
