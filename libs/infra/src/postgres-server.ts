import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { requireDebianPackage } from './debian-package';
import { waitForPort } from './ports';

export interface PostgresServer {
  url: string;
  /** The postmaster itself, run in the foreground so that its death is noticed (and it can be restarted). */
  process: ChildProcess;
  /** Where the server logs. */
  logFile: string;
  /** Fast shutdown (SIGINT): open transactions roll back, the data is flushed. */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  dataDir: string;
  port: number;
  database: string;
}

/** Finds the newest PostgreSQL server installed under Debian's layout, installing it with apt as root if missing. */
export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const pick = () =>
    existsSync(root)
      ? readdirSync(root)
          .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
          .sort((a, b) => Number(b) - Number(a))[0]
      : undefined;
  return join(root, requireDebianPackage('postgresql', pick, 'PostgreSQL server binaries'), 'bin');
}

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` system user. */
function runAsOwner(bin: string, args: string[]): { status: number | null; out: string } {
  const res = isRoot()
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  return { status: res.status, out: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}

function postgresUser(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

function ensureOwnedDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (isRoot()) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
}

const tail = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').slice(-2000) : '');

/** `postgres://` URL of a database on a server started by `startPostgres` on `port`. */
export const postgresUrl = (port: number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;

/**
 * Connects once the server accepts sessions: after a crash it listens while it replays its WAL and refuses
 * sessions with "the database system is starting up" (57P03) until it is consistent.
 */
async function adminSession(port: number, exited: Promise<never>, timeoutMs = 60_000): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await Promise.race([admin.connect(), exited]);
      return admin;
    } catch (err) {
      await admin.end().catch(() => undefined);
      if ((err as { code?: string }).code !== '57P03' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts (or reuses) a real PostgreSQL cluster in `dataDir`, the postmaster running as this process's child. A
 * postmaster orphaned by a killed launcher is detected through its pid file and stopped first, so the data directory
 * is never shared by two servers; after a crash, the server recovers its data on this start.
 */
export async function startPostgres(opts: PostgresOptions): Promise<PostgresServer> {
  if (isRoot() && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  }
  const bin = findPostgresBin();
  const pgData = join(opts.dataDir, 'pgdata');
  const logFile = join(opts.dataDir, 'postgres.log');
  ensureOwnedDir(opts.dataDir);
  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    const init = runAsOwner(join(bin, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.out}`);
  }
  if (existsSync(join(pgData, 'postmaster.pid'))) {
    const pid = Number(readFileSync(join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) runAsOwner(join(bin, 'pg_ctl'), ['-D', pgData, '-m', 'fast', '-w', 'stop']);
  }
  const args = ['-D', pgData, '-p', String(opts.port), '-k', opts.dataDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  // The log file is the server's own output, so it keeps logging if this process dies first.
  const log = openSync(logFile, 'a');
  const child = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', log, log], ...(isRoot() ? postgresUser() : {}) });
  closeSync(log);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL exited (${signal ?? code}) while starting: ${tail(logFile)}`))),
  );
  exited.catch(() => undefined);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  try {
    await Promise.race([waitForPort(opts.port, 60_000), exited]);
    const admin = await adminSession(opts.port, exited);
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database}"`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: postgresUrl(opts.port, opts.database), process: child, logFile, stop };
}
