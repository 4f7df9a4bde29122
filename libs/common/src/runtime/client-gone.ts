import type { ServerResponse } from 'node:http';

/**
 * Calls `onGone` once if the client goes away before `res` is finished: when the response closes unfinished, or at
 * once when it already has (a client that left while its body was being read, before the handler started, sends no
 * 'close' any more). Returns a function that stops watching. Its own entry point (`@platform/common/client-gone`), so
 * the engine server uses it without loading the services' runtime.
 */
export function whenClientGone(res: ServerResponse, onGone: () => void): () => void {
  const onClose = (): void => {
    if (!res.writableFinished) onGone();
  };
  if (res.destroyed) {
    onClose();
    return () => undefined;
  }
  res.once('close', onClose);
  return () => res.off('close', onClose);
}
