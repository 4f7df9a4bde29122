/**
 * A signal that fires on the caller's cancellation or when `limitMs` elapses (0: never), telling the two apart so
 * a time limit can end a generation normally with stop_reason `time_limit`.
 */
export function withTimeLimit(parent: AbortSignal, limitMs: number): { signal: AbortSignal; expired(): boolean; dispose(): void } {
  // Most calls set no limit: the caller's own signal then does, without a controller and listener per request.
  if (limitMs <= 0) return { signal: parent, expired: () => false, dispose: () => undefined };
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  if (parent.aborted) controller.abort(parent.reason);
  const timer =
    limitMs > 0
      ? setTimeout(() => {
          expired = true;
          controller.abort(new Error('time limit'));
        }, limitMs)
      : undefined;
  return {
    signal: controller.signal,
    expired: () => expired,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}
