/** What `/health` said about a killed process while it was down. */
export interface HealthWatch {
  /** Stops polling; resolves with the first answer that reported the process not ready (undefined: never seen). */
  stop(): Promise<string | undefined>;
}

/**
 * Polls the gateway's `/health` from the moment of a kill, looking for the answer that names the dead process: its
 * own check (a service, `engine-server`), `database` for PostgreSQL, any failing check for NATS (every service needs
 * it), or no answer at all when the gateway itself died.
 */
export function watchHealth(url: string, target: string): HealthWatch {
  let seen: string | undefined;
  let running = true;
  const notReady = (checks: Record<string, string>): boolean => {
    if (target === 'postgres') return checks.database !== undefined && checks.database !== 'ok';
    if (target === 'nats') return Object.values(checks).some((v) => v !== 'ok');
    return checks[target] !== undefined && checks[target] !== 'ok';
  };
  const loop = (async () => {
    while (running && !seen) {
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
        const body = (await res.json()) as { checks?: Record<string, string> };
        if (res.status === 503 && notReady(body.checks ?? {})) seen = `503 ${JSON.stringify(body.checks)}`;
      } catch (err) {
        if (target === 'gateway') seen = `no answer (${err instanceof Error ? err.message : String(err)})`;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen;
    },
  };
}
