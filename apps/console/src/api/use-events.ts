import type { PublicEvent } from '@platform/api-types';
import { useEffect, useRef, useState } from 'react';
import { openEvents, type EventsQuery, type EventsState } from './events-connection';

/**
 * The project's job events while the component is mounted: `onEvent` gets each one once, in stream order; the
 * stream reconnects by itself (see events-connection.ts). Returns the connection's state for a status indicator.
 * A change of project, types, resource ids or `since` opens a new stream; a new `onEvent` function does not.
 */
export function useEvents(query: EventsQuery | null, onEvent: (event: PublicEvent) => void): EventsState {
  const [state, setState] = useState<EventsState>({ status: 'connecting' });
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = query ? JSON.stringify([query.projectId, query.types ?? [], query.resourceId ?? [], query.since ?? '']) : '';

  useEffect(() => {
    if (!query) return;
    return openEvents(query, (e) => handler.current(e), setState);
    // `key` is the query's value: a new object with the same fields keeps the stream.
  }, [key]);
  return state;
}
