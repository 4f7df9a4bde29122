import type { PublicEvent } from '@platform/api-types';
import type { EventEnvelope } from '@platform/events';
import { publicEventType, type PublicEventType } from './public-event-types';

export type { PublicEvent };

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
