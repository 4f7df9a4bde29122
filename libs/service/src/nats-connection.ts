import type { ConnectionOptions } from '@nats-io/nats-core';

/**
 * How a service connects to NATS. It reconnects for as long as it runs: the client's default gives up after ten
 * attempts (about 20 s), after which the connection is closed for good, the service reports not ready forever and
 * its consumers and relay never resume, though nothing restarts a process that is still alive.
 */
export function natsConnectionOptions(servers: string, name: string): ConnectionOptions {
  return { servers: servers.split(',').map((s) => s.trim()), name, maxReconnectAttempts: -1 };
}
