import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export interface DomainEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** Where one test platform's domain events go (each platform has its own stream and subject prefix). */
export interface PlatformEvents {
  natsUrl: string;
  stream: string;
  prefix: string;
}

/** Every domain event of one type currently stored on the platform's stream (read with an ordered consumer). */
export async function storedEvents(events: PlatformEvents, type: string): Promise<DomainEvent[]> {
  const nc = await connect({ servers: events.natsUrl });
  try {
    const js = jetstream(nc);
    const consumer = await js.consumers.get(events.stream, { filter_subjects: `${events.prefix}.${type}` }); // a string: nats-server 2.9 knows only the single filter
    const out: DomainEvent[] = [];
    const batch = await consumer.fetch({ max_messages: 10_000, expires: 1000 });
    for await (const m of batch) {
      out.push(m.json<DomainEvent>());
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** Waits until `predicate` holds for the stored events (the outbox relay publishes asynchronously). */
export async function eventually<T>(read: () => Promise<T>, predicate: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!predicate(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}
