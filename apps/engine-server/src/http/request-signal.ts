import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { whenClientGone } from '@platform/common/client-gone';

/**
 * An AbortSignal that fires when the client connection goes away before the response is complete (or has already
 * gone when the handler starts), or when `also` fires (server shutdown past its drain deadline). Passed to the engine
 * so an abandoned sequence is freed within one decode step. `done()` aborts it too, releasing the engine once the
 * handler has finished.
 */
export function requestSignal(res: ServerResponse, also?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  // Each of the request's sequences (n choices per prompt) listens on it: more than Node's 10 is no leak here.
  setMaxListeners(0, controller.signal);
  const stopWatching = whenClientGone(res, () => controller.abort(new Error('client disconnected')));
  const onAlso = (): void => controller.abort(also?.reason);
  if (also?.aborted) controller.abort(also.reason);
  else also?.addEventListener('abort', onAlso, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      stopWatching();
      also?.removeEventListener('abort', onAlso);
      if (!controller.signal.aborted) controller.abort(new Error('request finished'));
    },
  };
}
