import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { childGone, waitForHealth } from './health';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

describe('waitForHealth', () => {
  it('resolves once the URL answers 200, after answers that are not', async () => {
    let calls = 0;
    const url = await listen((_req, res) => {
      calls++;
      res.writeHead(calls < 3 ? 503 : 200).end();
    });
    await waitForHealth(url, { name: 'svc', timeoutMs: 5_000, everyMs: 10 });
    expect(calls).toBe(3);
  });

  it('fails at once when the process is gone, saying how it ended and where to look', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    const started = Date.now();
    const wait = waitForHealth('http://127.0.0.1:9/health', {
      name: 'engine server',
      timeoutMs: 60_000,
      gone: () => childGone(child),
      detail: () => 'see its log: /tmp/x.log',
    });
    await expect(wait).rejects.toThrow('engine server exited with code 3\nsee its log: /tmp/x.log');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keeps its deadline against a server that accepts and never answers', async () => {
    const url = await listen(() => undefined);
    const started = Date.now();
    await expect(waitForHealth(url, { name: 'svc', timeoutMs: 300 })).rejects.toThrow(`svc was not healthy at ${url} within 300 ms`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
