export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/** Named dependency checks (database, NATS, object store, downstream services) behind every /health. */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Once shutdown starts the process reports not ready, so balancers stop sending it work. */
  markDraining(): void {
    this.draining = true;
  }

  async check(timeoutMs = 2000): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, fn]) => {
        try {
          await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref())]);
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, err instanceof Error ? err.message : String(err)] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: !this.draining && entries.every(([, v]) => v === 'ok'), checks };
  }
}

/** What the standard checks call on a service's database, NATS connection and object store. */
export interface ServiceDependencies {
  db?: { query(sql: string): Promise<unknown> };
  nats?: { isClosed(): boolean; flush(): Promise<void> };
  store?: { exists(key: string): Promise<boolean> };
}

/** A registry with the checks of the dependencies given: `database` (SELECT 1), `nats` (open, round trip), `object_store` (a HEAD). */
export function serviceReadiness({ db, nats, store }: ServiceDependencies): ReadinessRegistry {
  const registry = new ReadinessRegistry();
  if (db) {
    registry.add('database', async () => {
      await db.query('SELECT 1');
    });
  }
  if (nats) {
    registry.add('nats', async () => {
      if (nats.isClosed()) throw new Error('connection closed');
      await nats.flush();
    });
  }
  if (store) {
    registry.add('object_store', async () => {
      await store.exists('.readiness-probe');
    });
  }
  return registry;
}
