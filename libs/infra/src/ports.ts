import { createServer, connect } from 'node:net';

const FIRST_PORT = 20_000;
const PORTS = 12_000;
/** Slices of the range for parallel test workers (vitest's VITEST_POOL_ID 1, 2, …): more than CI's two. */
const WORKER_SLICES = 4;

/**
 * Ports this process handed out recently → when: a port stays free until its server binds it, so the same one could be
 * drawn twice meanwhile. After a minute its server has bound it (or never will), and the port may be drawn again.
 */
const handedOut = new Map<number, number>();
const HELD_MS = 60_000;

/** The ports this process draws from: the whole range, or its test worker's own slice of it. */
function drawRange(): { first: number; size: number } {
  const pool = Number(process.env.VITEST_POOL_ID);
  if (!Number.isInteger(pool) || pool < 1) return { first: FIRST_PORT, size: PORTS };
  const size = PORTS / WORKER_SLICES;
  return { first: FIRST_PORT + ((pool - 1) % WORKER_SLICES) * size, size };
}

/**
 * A free loopback port for a server to bind. Ports are drawn below the kernel's ephemeral range (32768+), so the
 * outgoing connections of parallel tests can never take one between this check and the server's bind; never the same
 * port twice in one process (a platform draws a dozen before any binds); and, under vitest, from the worker's own
 * slice of the range (processes it starts inherit it), so parallel workers' platforms never draw each other's ports.
 */
export async function freePort(): Promise<number> {
  const { first, size } = drawRange();
  const now = Date.now();
  for (const [port, at] of handedOut) if (now - at > HELD_MS) handedOut.delete(port);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = first + Math.floor(Math.random() * size);
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.set(port, now);
    return port;
  }
  throw new Error(`no free port found between ${first} and ${first + size}`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, timeoutMs = 30_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isPortOpen(port, host)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms`);
}
