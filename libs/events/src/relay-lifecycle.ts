import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { OutboxRelay, type OutboxRelayOptions } from './relay';
import { ensureStream, type EnsureStreamOptions } from './stream';

export interface StartOutboxRelayOptions extends OutboxRelayOptions {
  /** Every stream the outbox publishes into (domain events, job queues), created or updated before the first publish. */
  streams: EnsureStreamOptions[];
}

/** A service's start-up step for its outbox: the streams it feeds exist, then its relay runs. */
export async function startOutboxRelay({ streams, ...options }: StartOutboxRelayOptions): Promise<OutboxRelay> {
  const jsm = await jetstreamManager(options.nc);
  for (const stream of streams) await ensureStream(jsm, stream);
  const relay = new OutboxRelay(options);
  relay.start();
  return relay;
}

/** A service's last shutdown step: stop publishing (the rows stay in the outbox for the next start), then drain NATS. */
export async function stopOutboxRelay(relay: OutboxRelay, nc: NatsConnection): Promise<void> {
  await relay.stop();
  await nc.drain();
}
