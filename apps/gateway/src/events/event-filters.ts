import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { PUBLIC_EVENT_TYPES, publicEventType } from './public-event-types';

/** Types or resource ids one stream may name: more is a 400 (a client wanting more opens a stream without the filter). */
export const MAX_FILTER_VALUES = 50;
const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const SEQUENCE = /^(0|[1-9][0-9]{0,15})$/;

export interface EventFilters {
  types?: ReadonlySet<string>;
  resourceIds?: ReadonlySet<string>;
  /** Deliver the events stored after this stream sequence; undefined: only events from now on. */
  after?: number;
}

const invalidParameter = (message: string, name: string, type: 'parameter' | 'header' = 'parameter') =>
  new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_request', message, { type, name });

function list(value: string | undefined, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw invalidParameter(`${name} must be a comma-separated list without empty items.`, name);
  if (items.length > MAX_FILTER_VALUES) throw invalidParameter(`${name} names at most ${MAX_FILTER_VALUES} values.`, name);
  return items;
}

function sequence(value: string, name: string, type: 'parameter' | 'header'): number {
  const n = SEQUENCE.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidParameter(`${name} must be the id of an event received (a non-negative integer).`, name, type);
  return n;
}

/**
 * The stream's filters from its query (`type`, `resource_id`, `last_event_id`) and the `Last-Event-ID` header, which
 * wins over the query parameter: an EventSource reconnecting keeps its URL and sends the header with the last id it
 * received. Every refusal is a 400 naming the parameter or header.
 */
export function parseEventFilters(
  query: { type?: string; resource_id?: string; last_event_id?: string },
  lastEventIdHeader?: string,
): EventFilters {
  const filters: EventFilters = {};
  const types = list(query.type, 'type');
  if (types) {
    const unknown = types.filter((t) => !publicEventType(t));
    if (unknown.length)
      throw invalidParameter(
        `type names no public event type: ${unknown.slice(0, 5).join(', ')}. Known: ${PUBLIC_EVENT_TYPES.map((t) => t.type).join(', ')}.`,
        'type',
      );
    filters.types = new Set(types);
  }
  const ids = list(query.resource_id, 'resource_id');
  if (ids) {
    const bad = ids.find((id) => !RESOURCE_ID.test(id));
    if (bad !== undefined) throw invalidParameter(`resource_id ${JSON.stringify(bad.slice(0, 40))} is not a resource id.`, 'resource_id');
    filters.resourceIds = new Set(ids);
  }
  if (lastEventIdHeader !== undefined && lastEventIdHeader.trim() !== '')
    filters.after = sequence(lastEventIdHeader, 'Last-Event-ID', 'header');
  else if (query.last_event_id !== undefined) filters.after = sequence(query.last_event_id, 'last_event_id', 'parameter');
  return filters;
}
