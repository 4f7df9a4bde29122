import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { requireDebianPackage } from './debian-package';
import { waitForPort } from './ports';

export interface PostgresServer {
  url: string;
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

function ensureOwnedDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
}

/**
 * Starts (or reuses) a real PostgreSQL cluster in `dataDir`. A postmaster orphaned by a killed launcher is
 * detected through its pid file and stopped first, so the data directory is never shared by two servers.
 */
export async function startPostgres(opts: PostgresOptions): Promise<PostgresServer> {
  if (isRoot() && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  }
  const bin = findPostgresBin();
  const pgData = join(opts.dataDir, 'pgdata');
  ensureOwnedDir(opts.dataDir);
  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    const init = runAsOwner(join(bin, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.out}`);
  }
  if (existsSync(join(pgData, 'postmaster.pid'))) {
    const pid = Number(readFileSync(join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) runAsOwner(join(bin, 'pg_ctl'), ['-D', pgData, '-m', 'fast', '-w', 'stop']);
  }
  const serverOpts = `-p ${opts.port} -k ${opts.dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = runAsOwner(join(bin, 'pg_ctl'), ['-D', pgData, '-l', join(opts.dataDir, 'postgres.log'), '-o', serverOpts, '-w', 'start']);
  if (start.status !== 0) throw new Error(`PostgreSQL did not start: ${start.out}`);
  await waitForPort(opts.port);

  const admin = new Client({ host: '127.0.0.1', port: opts.port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database}"`);
  await admin.end();

  return {
    url: `postgres://postgres@127.0.0.1:${opts.port}/${opts.database}`,
    stop: async () => {
      runAsOwner(join(bin, 'pg_ctl'), ['-D', pgData, '-m', 'fast', '-w', 'stop']);
    },
  };
}
