import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

const HEAD =
  'POST /v2/projects HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * A request the server is reading: its headers ask for `100 Continue`, which the server sends once it has parsed them,
 * and then only the first byte of its 2-byte body is sent. `received` is what came after the `100 Continue`.
 */
function halfSentRequest(gw: GatewayUnderTest): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    let text = '';
    let bodyStarted = false;
    const socket = connect(Number(port), hostname, () => socket.write(HEAD));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.on('data', (c: Buffer) => {
      text += c.toString('utf8');
      if (bodyStarted || !text.startsWith(CONTINUE)) return;
      bodyStarted = true;
      socket.write('{');
      resolve({ socket, received: () => text.slice(CONTINUE.length), closed });
    });
  });
}

describe('shutdown drain', () => {
  it('closes a connection whose request never finishes once the drain timeout has passed, instead of waiting on it', async () => {
    const gw = await startGatewayUnderTest({ PLATFORM_DRAIN_TIMEOUT_MS: '300' });
    const slow = await halfSentRequest(gw);
    const started = Date.now();
    // Unbounded, this close waits for the body for as long as the client holds the connection (no request timeout).
    await gw.stop();
    await slow.closed;
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(slow.received()).toBe('');
  }, 60_000);

  it('lets a request in flight finish within the drain timeout and answers it', async () => {
    const gw = await startGatewayUnderTest({ PLATFORM_DRAIN_TIMEOUT_MS: '30000' });
    const slow = await halfSentRequest(gw);
    const started = Date.now();
    const stopped = gw.stop();
    setTimeout(() => slow.socket.write('}'), 300);
    await slow.closed;
    await stopped;
    // Its connection is closed once the answer is written, not left to the drain timeout or the keep-alive timeout.
    expect(Date.now() - started).toBeLessThan(20_000);
    // No token: the gateway's own 401 envelope, written in full, not a cut connection.
    expect(slow.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(slow.received()).toContain('"status_code":401');
  }, 60_000);
});
