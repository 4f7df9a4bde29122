import type { EventEnvelope } from '@platform/events';
import { publicEventType, type PublicEventType } from './public-event-types';

/**
 * One event of `GET /v1/events`, version 1 of the envelope (docs/events.md). `id` is the JetStream stream sequence of
 * the event: stable, increasing, the `Last-Event-ID` a client resumes after. The internal envelope's uuid, NATS
 * subject and trace id, and the payload fields the type's row does not list, are not part of it.
 */
export interface PublicEvent {
  id: string;
  type: string;
  /** The version of this type's `data`. */
  version: number;
  occurred_at: string;
  /** Exactly one of project_id and space_id: the container the caller subscribed to. */
  project_id?: string;
  space_id?: string;
  resource_type: PublicEventType['resourceType'];
  resource_id: string;
  data: Record<string, unknown>;
}

/** What one stream delivers: the container checked at subscription, and the filters. */
export interface EventSelection {
  kind: 'project' | 'space';
  containerId: string;
  /** Undefined: every public type. */
  types?: ReadonlySet<string>;
  /** Undefined: every resource. */
  resourceIds?: ReadonlySet<string>;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * The container an internal payload names. Training and evaluation name a space tuning's space in `projectId`; ids are
 * unique across projects and spaces, so matching the subscriber's id is enough to know which it is.
 */
function containerOf(row: PublicEventType, data: Record<string, unknown>): string | undefined {
  if (nonEmpty(data.projectId)) return data.projectId;
  if (row.container === 'projectId|spaceId' && nonEmpty(data.spaceId)) return data.spaceId;
  return undefined;
}

/**
 * The public form of a stored event for one stream, or undefined when that stream must not deliver it: a type that
 * is not public or not asked for, another container's event (or one naming none), another resource.
 */
export function publicEventOf(seq: number, envelope: EventEnvelope, selection: EventSelection): PublicEvent | undefined {
  const row = publicEventType(envelope.type);
  if (!row || (selection.types && !selection.types.has(row.type))) return undefined;
  if (typeof envelope.data !== 'object' || envelope.data === null) return undefined;
  const data = envelope.data as Record<string, unknown>;
  if (containerOf(row, data) !== selection.containerId) return undefined;
  const resourceId = data[row.resourceKey];
  if (!nonEmpty(resourceId) || (selection.resourceIds && !selection.resourceIds.has(resourceId))) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(row.fields)) {
    const value = data[key];
    if (value === undefined || value === null) continue;
    out[f.name] = f.view ? f.view(value) : value;
  }
  return {
    id: String(seq),
    type: row.type,
    version: row.version,
    occurred_at: envelope.occurredAt,
    ...(selection.kind === 'project' ? { project_id: selection.containerId } : { space_id: selection.containerId }),
    resource_type: row.resourceType,
    resource_id: resourceId,
    data: out,
  };
}
