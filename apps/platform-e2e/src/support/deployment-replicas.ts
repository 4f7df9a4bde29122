import { Client } from 'pg';
import type { TestPlatform } from './test-platform';

export interface LiveReplica {
  id: string;
  rev: number;
  state: string;
  pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The engine-server processes the deployment service keeps for a deployment, as its replica rows record them (the
 * process manager's handle holds the pid), that are running now.
 */
export async function liveReplicas(platform: TestPlatform, deploymentId: string): Promise<LiveReplica[]> {
  const db = new Client({ connectionString: platform.options.databaseUrl });
  await db.connect();
  try {
    const rows = await db.query<{ id: string; rev: number; state: string; pid: string | null }>(
      `SELECT id, rev, state, handle->>'pid' AS pid FROM deployment.replicas WHERE deployment_id = $1 AND state <> 'stopped' ORDER BY created_at`,
      [deploymentId],
    );
    return rows.rows
      .map((r) => ({ id: r.id, rev: r.rev, state: r.state, pid: Number(r.pid) }))
      .filter((r) => Number.isInteger(r.pid) && r.pid > 0 && alive(r.pid));
  } finally {
    await db.end();
  }
}

export { alive as processAlive };

/** Which keeper holds the deployment now (its job lease owner), to see a restarted service take it over. */
export async function keeperOf(platform: TestPlatform, deploymentId: string): Promise<string | null> {
  const db = new Client({ connectionString: platform.options.databaseUrl });
  await db.connect();
  try {
    const r = await db.query<{ lease_owner: string | null }>('SELECT lease_owner FROM deployment.deployments WHERE id = $1', [
      deploymentId,
    ]);
    return r.rows[0]?.lease_owner ?? null;
  } finally {
    await db.end();
  }
}
