import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSignal } from './request-signal';
import { postJson, startTestServer, type TestServer } from '../testing/harness';

/**
 * Every sequence listens on its request's abort signal, and every admitted request on the server's shutdown signal:
 * past Node's default of 10 listeners each would print a false "possible memory leak" warning into the server's log.
 */
describe('abort signals of requests and of the server', () => {
  let t: TestServer;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);

  beforeAll(async () => {
    t = await startTestServer();
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await t.stop();
  });

  it('serves 16 choices in a request and 20 requests at once without a listener warning', async () => {
    const completion = (n: number, maxTokens = 4) =>
      postJson(`${t.url}/v1/completions`, { model: 'tiny-llama', prompt: 'Hi', max_tokens: maxTokens, ignore_eos: true, n });
    const many = await completion(16);
    expect(many.status).toBe(200);
    expect((many.body as { choices: unknown[] }).choices).toHaveLength(16);
    const together = await Promise.all(Array.from({ length: 20 }, () => completion(1, 32)));
    expect(together.map((r) => r.status)).toEqual(Array(20).fill(200));
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});

/** The response's own rule, on a real node:http server and a raw socket that stays or leaves. */
describe('requestSignal', () => {
  /**
   * The signal of a POST whose handler starts once the body is read and `ready` has passed; the client either leaves
   * as soon as it has sent the body, or reads the answer first.
   */
  async function signalOf(leave: boolean, ready: (res: ServerResponse) => Promise<unknown>): Promise<AbortSignal> {
    let resolve!: (s: AbortSignal) => void;
    const got = new Promise<AbortSignal>((r) => (resolve = r));
    const server = createServer((req, res) => {
      req.resume();
      req.once('end', async () => {
        await ready(res);
        resolve(requestSignal(res).signal);
        if (!res.destroyed) res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab');
      if (leave) socket.destroy();
    });
    socket.on('error', () => undefined);
    const signal = await got;
    if (!leave) await once(socket, 'data');
    socket.destroy();
    await new Promise((r) => server.close(r));
    return signal;
  }

  it('is aborted at once for a client that left while its body was read', async () => {
    const signal = await signalOf(true, (res) => (res.destroyed ? Promise.resolve() : once(res, 'close')));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('client disconnected');
  });

  it('stays live for a client that reads its answer', async () => {
    const signal = await signalOf(false, () => Promise.resolve());
    expect(signal.aborted).toBe(false);
  });
});
