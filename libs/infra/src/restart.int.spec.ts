import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './ports';
import { startNats } from './nats-server';
import { startPostgres, type PostgresServer } from './postgres-server';

const root = mkdtempSync(join(tmpdir(), 'infra-restart-'));
chmodSync(root, 0o755);
const servers: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.allSettled(servers.map((s) => s.stop()));
  rmSync(root, { recursive: true, force: true });
});

const killed = (child: PostgresServer['process']) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Until the old server's sessions notice their postmaster died and let go of its shared memory, a new one refuses to start. */
async function restartPostgres(start: () => Promise<PostgresServer>): Promise<PostgresServer> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await start();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('servers restarted after SIGKILL on the same data directory and port', () => {
  it('PostgreSQL runs as a child process, recovers its committed data and answers again', async () => {
    const opts = { dataDir: join(root, 'pg'), port: await freePort(), database: 'restart' };
    const first = await startPostgres(opts);
    servers.push(first);
    expect(first.process.pid).toBeGreaterThan(0);
    const db = new Client({ connectionString: first.url });
    await db.connect();
    db.on('error', () => undefined); // the session dies with its server
    const ended = new Promise((resolve) => db.once('end', resolve));
    await db.query('CREATE TABLE kept (n int)');
    await db.query('INSERT INTO kept VALUES (1), (2)');

    const exit = killed(first.process);
    first.process.kill('SIGKILL');
    await exit;
    // The session's backend outlives the postmaster until it notices the death on its own (a query sent before then is
    // still answered, which a loaded host showed): the session ends then.
    await ended;
    await expect(db.query('SELECT 1')).rejects.toThrow();
    const second = await restartPostgres(() => startPostgres(opts));
    servers.push(second);
    expect(second.url).toBe(first.url);
    const again = new Client({ connectionString: second.url });
    await again.connect();
    expect((await again.query('SELECT count(*)::int AS n FROM kept')).rows[0].n).toBe(2);
    await again.end();
    await second.stop();
    expect(second.process.exitCode).toBe(0);
  });

  it('NATS keeps its JetStream streams and messages and logs to the file given', async () => {
    const opts = { port: await freePort(), storeDir: join(root, 'nats'), logFile: join(root, 'logs', 'nats.log') };
    const first = await startNats(opts);
    servers.push(first);
    const nc = await connect({ servers: first.url, reconnect: false });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'KEPT', subjects: ['kept.>'] });
    await jsm.jetstream().publish('kept.one', 'hello');
    await nc.close();

    const exit = killed(first.process);
    first.process.kill('SIGKILL');
    await exit;
    const second = await startNats(opts);
    servers.push(second);
    const again = await connect({ servers: second.url });
    const info = await (await jetstreamManager(again)).streams.info('KEPT');
    expect(info.state.messages).toBe(1);
    await again.close();
    expect(readFileSync(opts.logFile, 'utf8')).toMatch(/Server is ready/);
  });
});
