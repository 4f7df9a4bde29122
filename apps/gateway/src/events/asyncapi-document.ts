import { eventsSubjectPrefix } from '@platform/events';
import { MAX_FILTER_VALUES } from './event-filters';
import { obj, str, type JsonSchema } from './json-schema';
import { INTERNAL_EVENT_TYPES, PUBLIC_EVENT_TYPES, type PublicEventType } from './public-event-types';

/** The version of the document: the public envelope's major version (1), and this table's revision. */
export const EVENTS_DOCUMENT_VERSION = '1.0.0';

/** Where a message or schema of the document sits under components (keys allow letters, digits, `.`, `-`, `_`). */
const publicKey = (type: string) => `public.${type}`;
const internalKey = (type: string) => `nats.${type}`;

function publicPayload(row: PublicEventType): JsonSchema {
  const fields = Object.values(row.fields);
  const data = obj(
    Object.fromEntries(fields.map((f) => [f.name, f.schema])),
    fields.filter((f) => !f.optional).map((f) => f.name),
  );
  return obj(
    {
      id: str('The JetStream stream sequence of the event: stable and increasing; send it back as Last-Event-ID to resume after it.'),
      type: { type: 'string', const: row.type },
      version: { type: 'integer', const: row.version, description: "The version of this type's data." },
      occurred_at: { type: 'string', format: 'date-time' },
      project_id: str('The project (streams of a project).'),
      space_id: str('The space (streams of a space).'),
      resource_type: { type: 'string', const: row.resourceType },
      resource_id: str(`The ${row.resourceType} the event is about.`),
      data,
    },
    ['id', 'type', 'version', 'occurred_at', 'resource_type', 'resource_id', 'data'],
  );
}

function internalData(row: PublicEventType): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    [row.resourceKey]: str(`The ${row.resourceType} id.`),
    projectId: str(row.container === 'projectId' ? "The project (a space tuning's space)." : 'The project, when in one.'),
    ...(row.container === 'projectId|spaceId' ? { spaceId: str('The space, when in one.') } : {}),
  };
  for (const [key, f] of Object.entries(row.fields)) properties[key] = f.internal ?? f.schema;
  Object.assign(properties, row.internalOnly ?? {});
  const required = [row.resourceKey, ...(row.container === 'projectId' ? ['projectId'] : [])];
  required.push(...Object.entries(row.fields).flatMap(([key, f]) => (f.optional ? [] : [key])));
  // Payloads grow additively: a subscriber ignores what it does not know.
  return { type: 'object', properties, required, additionalProperties: true };
}

function envelope(type: string, data: JsonSchema): JsonSchema {
  return obj(
    {
      id: { type: 'string', format: 'uuid', description: 'Also the Nats-Msg-Id; the key of a consumer inbox.' },
      type: { type: 'string', const: type },
      subject: str('The NATS subject it was published on.'),
      occurredAt: { type: 'string', format: 'date-time' },
      traceId: str('The X-Global-Transaction-Id of the work that caused it.'),
      data,
    },
    ['id', 'type', 'subject', 'occurredAt', 'data'],
  );
}

const SSE_QUERY = obj(
  {
    project_id: str("The project (default: the caller's default project)."),
    space_id: str('A space instead of a project.'),
    type: str(`Event types, comma-separated (at most ${MAX_FILTER_VALUES}); default: all.`),
    resource_id: str(`Resource ids, comma-separated (at most ${MAX_FILTER_VALUES}).`),
    last_event_id: str('Resume after this event id, for clients that cannot send the Last-Event-ID header (the header wins).'),
  },
  [],
);

/**
 * The AsyncAPI 3 document of the platform's events: the public channel `GET /v1/events` (server-sent events through
 * the gateway) with every public event type, and the NATS subjects internal subscribers consume with the payloads as
 * published (the catalog's, libs/events/src/catalog). Built from the same table the stream filters with.
 */
export function asyncApiDocument(publicUrl: string): Record<string, unknown> {
  const url = new URL(publicUrl);
  const prefix = eventsSubjectPrefix();
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  for (const row of PUBLIC_EVENT_TYPES) {
    messages[publicKey(row.type)] = {
      name: row.type,
      title: row.type,
      summary: row.summary,
      contentType: 'application/json',
      payload: publicPayload(row),
    };
  }
  channels.events = {
    address: '/v1/events',
    title: 'Public job events',
    description:
      'Server-sent events of one project or space, each `id: <sequence>` and `data: <event JSON>`, with `: keep-alive` comments. ' +
      'Reconnect with the Last-Event-ID header (or ?last_event_id=) to receive every event stored after it exactly once. ' +
      'Viewers and above of the project or space may subscribe.',
    servers: [{ $ref: '#/servers/gateway' }],
    messages: Object.fromEntries(PUBLIC_EVENT_TYPES.map((r) => [r.type, { $ref: `#/components/messages/${publicKey(r.type)}` }])),
  };
  operations.streamEvents = {
    action: 'send',
    title: 'GET /v1/events',
    summary: 'The gateway streams the selected events of the project or space to the subscriber.',
    channel: { $ref: '#/channels/events' },
    security: [{ $ref: '#/components/securitySchemes/bearer' }],
    bindings: { http: { method: 'GET', query: SSE_QUERY, bindingVersion: '0.3.0' } },
    messages: PUBLIC_EVENT_TYPES.map((r) => ({ $ref: `#/channels/events/messages/${r.type}` })),
  };

  const internal = [
    ...PUBLIC_EVENT_TYPES.map((r) => ({ type: r.type, summary: r.summary, data: internalData(r) })),
    ...INTERNAL_EVENT_TYPES.map((r) => ({ type: r.type, summary: `${r.internal} (never on the public stream)`, data: r.payload })),
  ];
  for (const { type, summary, data } of internal) {
    messages[internalKey(type)] = {
      name: type,
      title: type,
      summary,
      contentType: 'application/json',
      headers: obj({ 'Nats-Msg-Id': str('The event id: JetStream de-duplicates re-publishes within the window.') }, ['Nats-Msg-Id']),
      payload: envelope(type, data),
    };
    channels[internalKey(type)] = {
      address: `${prefix}.${type}`,
      title: type,
      description: 'A subject of the platform events stream (JetStream, limits retention).',
      servers: [{ $ref: '#/servers/nats' }],
      messages: { [type]: { $ref: `#/components/messages/${internalKey(type)}` } },
    };
    operations[`publish.${type}`] = {
      action: 'send',
      summary: `The owning service publishes ${type} through its transactional outbox.`,
      channel: { $ref: `#/channels/${internalKey(type)}` },
      messages: [{ $ref: `#/channels/${internalKey(type)}/messages/${type}` }],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Platform events',
      version: EVENTS_DOCUMENT_VERSION,
      description:
        'Job events of the platform: public through the gateway as server-sent events (GET /v1/events), and on NATS JetStream ' +
        'for the services. Each public event type carries its own version; see docs/events.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: {
        host: url.host,
        protocol: url.protocol.replace(/:$/, ''),
        description: 'The gateway: server-sent events over HTTP, authenticated with a bearer token.',
        security: [{ $ref: '#/components/securitySchemes/bearer' }],
      },
      nats: {
        host: '{nats}',
        protocol: 'nats',
        description: 'The platform NATS server (internal): the events stream, subjects under the platform prefix.',
        variables: { nats: { default: '127.0.0.1:4222', description: "host:port of the platform's NATS_URL" } },
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
