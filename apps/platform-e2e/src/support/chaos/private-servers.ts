import { join } from 'node:path';
import { freePort } from '@platform/infra';
import { natsProcess, postgresProcess, Supervisor, type SupervisedProcess } from '@platform/launcher';

export interface PrivateServers {
  databaseUrl: string;
  natsUrl: string;
  /** Supervises these servers and the platform's processes, as the embedded default's launcher does. */
  supervisor: Supervisor;
  postgres: SupervisedProcess;
  nats: SupervisedProcess;
  /** Every crash, restart and give-up line so far. */
  lines: string[];
  /** Set once a process crashed too often: the scenario in flight fails with it. */
  gaveUp(): string | undefined;
  stop(): Promise<void>;
}

/**
 * PostgreSQL and NATS of the chaos suite's own (the shared test servers must never be killed), supervised like the
 * embedded default's: a killed one is restarted on the same data directory and port.
 */
export async function startPrivateServers(dir: string): Promise<PrivateServers> {
  const lines: string[] = [];
  let gaveUp: string | undefined;
  const supervisor = new Supervisor({
    // Quicker than the launcher's default, with the same give-up rule: the suite kills each process once.
    initialBackoffMs: 200,
    log: (line) => {
      lines.push(line);
      process.stdout.write(`[chaos] ${line}\n`);
    },
    onGiveUp: (message) => (gaveUp = message),
  });
  const pg = postgresProcess({ dataDir: join(dir, 'postgres'), port: await freePort(), database: 'postgres' });
  const nats = natsProcess({ port: await freePort(), storeDir: join(dir, 'nats'), logFile: join(dir, 'nats.log') });
  const postgres = await supervisor.start(pg);
  const natsProc = await supervisor.start(nats);
  return {
    databaseUrl: pg.url,
    natsUrl: nats.url,
    supervisor,
    postgres,
    nats: natsProc,
    lines,
    gaveUp: () => gaveUp,
    stop: async () => {
      await natsProc.stop();
      await postgres.stop();
    },
  };
}
