import { randomUUID } from 'node:crypto';
import { currentTraceId } from '@platform/telemetry';

/**
 * Every domain event subject starts with this prefix: `platform.events.<type>`. `PLATFORM_EVENTS_PREFIX` and
 * `PLATFORM_EVENTS_STREAM` move a whole platform onto its own subjects and stream, so several platforms can share one
 * NATS server (the end-to-end suites run side by side this way) without consuming each other's events. Both are read
 * when called, so a service started inside a test process after the test set them follows them too.
 */
export const eventsSubjectPrefix = (env: NodeJS.ProcessEnv = process.env): string => env.PLATFORM_EVENTS_PREFIX || 'platform.events';
/** The shared JetStream stream that carries domain events (subjects `<eventsSubjectPrefix()>.>`). */
export const eventsStream = (env: NodeJS.ProcessEnv = process.env): string => env.PLATFORM_EVENTS_STREAM || 'PLATFORM_EVENTS';

/** The JSON body of every published domain event. */
export interface EventEnvelope<T = unknown, K extends string = string> {
  /** uuid; also the JetStream `Nats-Msg-Id`, and the consumer's inbox key. */
  id: string;
  /** e.g. `taxonomy.created` */
  type: K;
  /** NATS subject, e.g. `platform.events.taxonomy.created` */
  subject: string;
  /** ISO-8601 timestamp of the state change. */
  occurredAt: string;
  traceId?: string;
  data: T;
}

/** A service's events: event type → payload type, e.g. `{ 'taxonomy.created': { taxonomyId: string } }`. */
export type EventMap = { [type: string]: unknown };
/** The envelope of one event type of a map. */
export type EventOf<M extends EventMap, K extends keyof M & string> = EventEnvelope<M[K], K>;
/** The union of all envelopes of a map (discriminated by `type`). */
export type AnyEventOf<M extends EventMap> = { [K in keyof M & string]: EventOf<M, K> }[keyof M & string];

export interface CreateEventOptions {
  /** The transaction id; defaults to the one of the work running now (a request, a handled event). */
  traceId?: string;
  /** Defaults to a random uuid. */
  id?: string;
  /** Defaults to now. */
  occurredAt?: Date | string;
  /** Defaults to `<subjectPrefix>.<type>`. */
  subject?: string;
}

/** The subject for an event type under a prefix (default `platform.events`). */
export function eventSubject(type: string, prefix: string = eventsSubjectPrefix()): string {
  return `${prefix}.${type}`;
}

/** Builds an envelope for any type (untyped use; services normally go through `defineEvents`). */
export function createEvent<T, K extends string>(
  type: K,
  data: T,
  opts: CreateEventOptions & { subjectPrefix?: string } = {},
): EventEnvelope<T, K> {
  const occurredAt = opts.occurredAt === undefined ? new Date() : new Date(opts.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) throw new Error(`invalid occurredAt for event ${type}`);
  const event: EventEnvelope<T, K> = {
    id: opts.id ?? randomUUID(),
    type,
    subject: opts.subject ?? eventSubject(type, opts.subjectPrefix),
    occurredAt: occurredAt.toISOString(),
    data,
  };
  const traceId = opts.traceId ?? currentTraceId();
  if (traceId) event.traceId = traceId;
  return event;
}

/** A typed catalog of one service's events. */
export interface EventCatalog<M extends EventMap> {
  readonly subjectPrefix: string;
  /** `platform.events.<type>` */
  subject<K extends keyof M & string>(type: K): string;
  /** A subject filter matching every event of the given types (for consumers). */
  subjects<K extends keyof M & string>(...types: K[]): string[];
  create<K extends keyof M & string>(type: K, data: M[K], opts?: CreateEventOptions): EventOf<M, K>;
  /** Narrows a received envelope to one type of this map. */
  is<K extends keyof M & string>(event: EventEnvelope, type: K): event is EventOf<M, K>;
}

/**
 * Declares a service's events with their payload types:
 * `export const taxonomyEvents = defineEvents<{ 'taxonomy.created': { taxonomyId: string } }>();`
 */
export function defineEvents<M extends EventMap>(opts: { subjectPrefix?: string } = {}): EventCatalog<M> {
  // Without an explicit prefix, the platform's prefix as it is when an event is built (see eventsSubjectPrefix).
  const prefix = () => opts.subjectPrefix ?? eventsSubjectPrefix();
  return {
    get subjectPrefix() {
      return prefix();
    },
    subject: (type) => eventSubject(type, prefix()),
    subjects: (...types) => types.map((t) => eventSubject(t, prefix())),
    create: (type, data, o = {}) => createEvent(type, data, { ...o, subjectPrefix: prefix() }),
    is: <K extends keyof M & string>(event: EventEnvelope, type: K): event is EventOf<M, K> => event.type === type,
  };
}
