import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersOk, requestsInFlight, servedModelIds } from './http-probes';

/** The composite signals Node 20's AbortSignal.any left registered on `signal` (an internal set; 0 where there is none). */
function dependants(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  return key ? ((signal as unknown as Record<symbol, Set<unknown> | undefined>)[key]?.size ?? 0) : 0;
}

describe('the keeper’s HTTP probes', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      if (req.url === '/v1/models') return void res.end(JSON.stringify({ data: [{ id: 'a' }, { id: 'b' }, { id: 7 }] }));
      if (req.url === '/metrics')
        return void res.end('vllm:num_requests_running{model_name="a"} 2\nvllm:num_requests_waiting{model_name="a"} 1\n');
      res.statusCode = req.url === '/health' ? 200 : 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('read health, models and load', async () => {
    expect(await answersOk(url, '/health')).toBe(true);
    expect(await answersOk(url, '/nothing')).toBe(false);
    expect(await servedModelIds(url)).toEqual(['a', 'b']);
    expect(await requestsInFlight(url)).toBe(3);
    expect(await answersOk('http://127.0.0.1:1', '/health')).toBe(false);
  });

  it('leave nothing behind on the keeper’s long-lived signal, however many they make', async () => {
    const keeper = new AbortController().signal;
    for (let i = 0; i < 50; i++) {
      expect(await answersOk(url, '/health', keeper)).toBe(true);
      expect(await requestsInFlight(url, keeper)).toBe(3);
    }
    expect(getEventListeners(keeper, 'abort')).toHaveLength(0);
    expect(dependants(keeper)).toBe(0);
  });

  it('stop when the keeper’s signal aborts, long before their own timeout', async () => {
    const keeper = new AbortController();
    const started = Date.now();
    setTimeout(() => keeper.abort(new Error('keeper stopping')), 100);
    expect(await answersOk(url, '/hang', keeper.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await servedModelIds(url, keeper.signal)).toBeUndefined(); // already aborted: not even sent
  });
});
