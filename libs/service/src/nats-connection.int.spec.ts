import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startNats, type NatsServer } from '@platform/infra';
import { natsConnectionOptions } from './nats-connection';

const dir = mkdtempSync(join(tmpdir(), 'nats-reconnect-'));
chmodSync(dir, 0o755);
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a service’s NATS connection', () => {
  it('keeps reconnecting while NATS is down longer than the client’s default ten attempts, and resumes when it is back', async () => {
    const opts = { port: await freePort(), storeDir: join(dir, 'store') };
    let server: NatsServer = await startNats(opts);
    cleanup.push(() => server.stop());
    // The production options; only the pause between attempts is shortened, so many attempts fit in a test.
    const nc: NatsConnection = await connect({ ...natsConnectionOptions(server.url, 'reconnect-test'), reconnectTimeWait: 20 });
    cleanup.push(() => nc.close());
    let attempts = 0;
    let reconnected = 0;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'reconnecting') attempts++;
        if (s.type === 'reconnect') reconnected++;
      }
    })();

    const exited = new Promise((resolve) => server.process.once('exit', resolve));
    server.process.kill('SIGKILL');
    await exited;
    await until('more than ten failed reconnect attempts', () => attempts > 15 || nc.isClosed());
    expect(nc.isClosed()).toBe(false);

    server = await startNats(opts);
    await until('the reconnect', () => reconnected > 0 || nc.isClosed());
    expect(nc.isClosed()).toBe(false);
    await nc.flush();
  });
});
