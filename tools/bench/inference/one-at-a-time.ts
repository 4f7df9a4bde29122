/**
 * A launcher supervisor that starts the platform's processes one at a time: each process's start resolves only once
 * its own health URL answers (within `timeoutMs`). The launcher starts its services side by side and gives each 90 s
 * to be ready; on a 2-core machine loaded by other work that deadline can pass for all of them at once, while started
 * one by one each comes up in its own share of the machine. The benchmark falls back to it after a failed start.
 */
import { childGone, waitForHealth } from '@platform/infra';
import { Supervisor, type ProcessSpec, type SupervisedProcess } from '@platform/launcher';

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
        await waitForHealth(url, { name: spec.name, timeoutMs: this.timeoutMs, gone: () => childGone(child) }).catch((err: unknown) => {
          // Exited while starting: the supervisor sees the exit and restarts it.
          if (childGone(child) === undefined) throw err;
        });
        return child;
      },
    });
  }
}
