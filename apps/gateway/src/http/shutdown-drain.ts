import type { FastifyInstance } from 'fastify';

/** How often, while the gateway closes, connections whose last response has finished are closed. */
const IDLE_SWEEP_MS = 100;

/**
 * Bounds the drain when the gateway closes. Fastify stops accepting and Node closes the idle keep-alive connections
 * once, then waits for every other connection: one whose response finishes later stays open until its keep-alive
 * timeout (72 s), and a generation stream or a client that stops reading or sending holds the close (and the shutdown
 * hooks after it) until the supervisor's SIGKILL. So connections that fall idle are closed as they do, and after
 * `timeoutMs` every connection still open is closed.
 */
export function boundShutdownDrain(fastify: FastifyInstance, timeoutMs: number): void {
  fastify.addHook('preClose', (done) => {
    const server = fastify.server;
    // Unref'd: an open connection keeps the process alive until they fire; a server that never listened does not.
    const idle = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs).unref();
    server.once('close', () => {
      clearInterval(idle);
      clearTimeout(force);
    });
    done();
  });
}
