import { childSignal, type ChildSignal } from '@platform/common';

const NO_LIMIT = { timedOut: () => false, dispose: () => undefined };

/**
 * A signal that fires on the caller's cancellation or when `limitMs` elapses (0: never), telling the two apart so
 * a time limit can end a generation normally with stop_reason `time_limit`.
 */
export function withTimeLimit(parent: AbortSignal, limitMs: number): Pick<ChildSignal, 'signal' | 'timedOut' | 'dispose'> {
  // Most calls set no limit: the caller's own signal then does, without a controller and listener per request.
  if (limitMs <= 0) return { signal: parent, ...NO_LIMIT };
  return childSignal(parent, { timeoutMs: limitMs, timeoutReason: () => new Error('time limit') });
}
