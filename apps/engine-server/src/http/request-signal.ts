import { setMaxListeners } from 'node:events';
import type { FastifyReply } from 'fastify';

/**
 * An AbortSignal that fires when the client connection goes away before the response is complete, or when
 * `also` fires (server shutdown past its drain deadline). Passed to the engine so an abandoned sequence is freed
 * within one decode step. `done()` aborts it too, releasing the engine once the handler has finished.
 */
export function requestSignal(reply: FastifyReply, also?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  // Each of the request's sequences (n choices per prompt) listens on it: more than Node's 10 is no leak here.
  setMaxListeners(0, controller.signal);
  const res = reply.raw;
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  };
  res.once('close', onClose);
  const onAlso = (): void => controller.abort(also?.reason);
  if (also?.aborted) controller.abort(also.reason);
  else also?.addEventListener('abort', onAlso, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      res.off('close', onClose);
      also?.removeEventListener('abort', onAlso);
      if (!controller.signal.aborted) controller.abort(new Error('request finished'));
    },
  };
}
