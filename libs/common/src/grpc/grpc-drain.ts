import type { Server } from '@grpc/grpc-js';

/**
 * Stops taking calls and waits for those in flight; after `timeoutMs` the ones still open (a stream its client keeps
 * reading, a call stuck on a dependency) are cancelled, so the shutdown after the drain always runs.
 */
export function drainGrpcServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.forceShutdown(), timeoutMs);
    // Called once every connection has closed, drained or cancelled; an error only says the server was not running.
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
