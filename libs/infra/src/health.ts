import type { ChildProcess } from 'node:child_process';

export interface HealthWait {
  /** Names the process in the errors. */
  name: string;
  timeoutMs: number;
  /** Why the process behind the URL is gone, once it is: the wait fails at once instead of at its deadline. */
  gone?: () => string | undefined;
  /** Appended to a failure's message: where the process's log is, or its tail. */
  detail?: () => string;
  /** Between polls. Default 200 ms. */
  everyMs?: number;
}

/** How long one poll may take: a server that accepts and never answers must not hold the wait past its deadline. */
const POLL_TIMEOUT_MS = 2_000;

/** Polls `url` until it answers 200; throws when the process is gone or at the deadline, naming it. */
export async function waitForHealth(url: string, o: HealthWait): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  const failure = (why: string) => {
    const detail = o.detail?.();
    return new Error(`${o.name} ${why}${detail ? `\n${detail}` : ''}`);
  };
  for (;;) {
    const gone = o.gone?.();
    if (gone !== undefined) throw failure(gone);
    if (Date.now() >= deadline) throw failure(`was not healthy at ${url} within ${o.timeoutMs} ms`);
    const budget = Math.max(1, Math.min(POLL_TIMEOUT_MS, deadline - Date.now()));
    const ok = await fetch(url, { signal: AbortSignal.timeout(budget) }).then(
      (res) => {
        void res.body?.cancel();
        return res.status === 200;
      },
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, o.everyMs ?? 200));
  }
}

/** For `HealthWait.gone`: how a child process ended, once it has. */
export function childGone(child: ChildProcess): string | undefined {
  if (child.exitCode !== null) return `exited with code ${child.exitCode}`;
  if (child.signalCode !== null) return `was killed by ${child.signalCode}`;
  return undefined;
}
