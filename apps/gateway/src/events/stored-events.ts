import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { decodeEvent, ensureStream, eventSubject, eventsStream, eventsSubjectPrefix, type EventEnvelope } from '@platform/events';

export interface StoredEvent {
  /** The JetStream stream sequence: the public event id. */
  seq: number;
  envelope: EventEnvelope;
}

export interface StoredEventsReader {
  events: AsyncIterable<StoredEvent>;
  /** Stops reading and deletes the consumer on the server (not only when its inactivity threshold passes). */
  close(): Promise<void>;
}

/**
 * Reads the platform's events stream from a position with an ordered consumer: ephemeral, unacknowledged, in stream
 * order, recreated by the client library from the last sequence it delivered if the server loses it, so nothing in
 * between is skipped or repeated. `after` undefined starts after the last stored event (events from now on).
 *
 * One type is filtered by the server (its subject); several, or none, read `<prefix>.>` and leave the choice to the
 * caller, because nats-server 2.9 (Debian's) knows one filter subject per consumer.
 */
export async function readStoredEvents(nc: NatsConnection, o: { types?: readonly string[]; after?: number }): Promise<StoredEventsReader> {
  const stream = eventsStream();
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream).catch(async (err: unknown) => {
    // No service has published yet: create it as every publisher does, so the first events are not missed.
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    return ensureStream(jsm, { name: stream, subjects: [`${eventsSubjectPrefix()}.>`] });
  });
  const start = (o.after ?? info.state.last_seq) + 1;
  const filter = o.types?.length === 1 ? eventSubject(o.types[0]) : `${eventsSubjectPrefix()}.>`;
  const consumer = await jetstream(nc).consumers.get(stream, {
    filter_subjects: filter,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: start,
  });
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 64 });
  async function* decoded(): AsyncGenerator<StoredEvent> {
    for await (const m of messages) {
      let envelope: EventEnvelope;
      try {
        envelope = decodeEvent(m.data);
      } catch {
        continue; // not an event of the catalog's envelope: nothing a subscriber could be shown
      }
      yield { seq: m.seq, envelope };
    }
  }
  return {
    events: decoded(),
    async close() {
      await messages.close();
      await consumer.delete().catch(() => undefined);
    },
  };
}
