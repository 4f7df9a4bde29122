/**
 * A launcher supervisor that starts the platform's processes one at a time: each process's start resolves only once
 * its own health URL answers (within `timeoutMs`). The launcher starts its services side by side and gives each 90 s
 * to be ready; on a 2-core machine loaded by other work that deadline can pass for all of them at once, while started
 * one by one each comes up in its own share of the machine. The benchmark falls back to it after a failed start.
 */
import type { ChildProcess } from 'node:child_process';
import { Supervisor, type ProcessSpec, type SupervisedProcess } from '@platform/launcher';

async function untilHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return; // the supervisor sees the exit and restarts it
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not healthy at ${url} within ${timeoutMs} ms`);
}

export class OneAtATimeSupervisor extends Supervisor {
  constructor(
    private readonly healthUrl: (name: string) => string | undefined,
    private readonly timeoutMs: number,
  ) {
    super({ log: (line) => process.stdout.write(`[platform] ${line}\n`), onGiveUp: (message) => console.error(message) });
  }

  override start(spec: ProcessSpec): Promise<SupervisedProcess> {
    const url = this.healthUrl(spec.name);
    if (!url) return super.start(spec);
    return super.start({
      ...spec,
      start: async () => {
        const child = await spec.start();
        await untilHealthy(url, child, this.timeoutMs);
        return child;
      },
    });
  }
}
