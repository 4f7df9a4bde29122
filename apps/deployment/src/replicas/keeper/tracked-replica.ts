import { childSignal, type ChildSignal } from '@platform/common';
import type { ReplicaEntity } from '../replica.entity';
import type { StartedReplica } from '../replica-manager';

export type StartResult = { ok: StartedReplica } | { error: unknown };

/** A replica as one keeper sees it between ticks: its row, what its manager returned, and where it is in its life. */
export class TrackedReplica {
  /** Set once it answers (started or adopted). */
  replica?: StartedReplica;
  /** A start under way; `result` is set when it settles (the tick applies it, so one loop does every write). */
  start?: { abort: ChildSignal; done: Promise<void>; result?: StartResult };
  /** `deployment.replica.ready` announced and not withdrawn. */
  announced = false;
  /** The inference service routes to it (seen healthy in its pool). */
  routed = false;
  /** When its removal was announced: it drains from then on. */
  drainingSince?: number;
  unhealthySince?: number;

  constructor(public row: ReplicaEntity) {}

  get id(): string {
    return this.row.id;
  }

  get rev(): number {
    return this.row.rev;
  }

  /**
   * Runs `start` in the background, stopped by `start.abort` or with `keeper` (its signal, which outlives every start:
   * see childSignal); the tick picks up its result.
   */
  begin(keeper: AbortSignal, start: (signal: AbortSignal) => Promise<StartedReplica>): void {
    const abort = childSignal(keeper);
    const slot: NonNullable<TrackedReplica['start']> = { abort, done: Promise.resolve() };
    slot.done = start(abort.signal)
      .then(
        (ok) => void (slot.result = { ok }),
        (error: unknown) => void (slot.result = { error }),
      )
      .finally(() => abort.dispose());
    this.start = slot;
  }
}
