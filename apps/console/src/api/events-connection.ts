import type { PublicEvent } from '@platform/api-types';
import { ApiError } from './api-error';
import { apiFetch } from './client';
import { urlOf } from './url';
import { readSse } from './sse';

export interface EventsQuery {
  projectId: string;
  /** Event types, e.g. `['sdg.job.progress']`; default every public type. */
  types?: readonly string[];
  /** Resource ids (data, model, taxonomy … ids). */
  resourceId?: string | readonly string[];
  /** Resume after this event id (`'0'`: everything the stream still retains); default: events from now on. */
  since?: string;
}

export type EventsStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface EventsState {
  status: EventsStatus;
  /** The id of the last event delivered (sent back as Last-Event-ID on reconnect). */
  lastEventId?: string;
  /** Why the stream stopped for good (a 4xx other than 401), or the last failure before a retry. */
  error?: unknown;
}

/** Back-off between reconnections: 1 s doubling to 30 s, reset once a stream opens. */
export const reconnectDelayMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));

/**
 * `GET /v1/events` read over fetch (EventSource cannot send the Authorization header), reconnecting by itself with
 * `Last-Event-ID` after the gateway ends a stream or the network drops it, so no retained event is missed and none is
 * delivered twice. A 401 waits for the user to sign in again (client.ts); another refusal stops it with the error.
 */
export function openEvents(query: EventsQuery, onEvent: (e: PublicEvent) => void, onState: (s: EventsState) => void): () => void {
  const abort = new AbortController();
  let lastEventId = query.since;
  let attempt = 0;

  const state = (status: EventsStatus, error?: unknown) =>
    onState({ status, ...(lastEventId ? { lastEventId } : {}), ...(error ? { error } : {}) });
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });

  const run = async () => {
    while (!abort.signal.aborted) {
      state(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const path = urlOf('/v1/events', { project_id: query.projectId, type: query.types, resource_id: query.resourceId });
        const res = await apiFetch(path, {
          signal: abort.signal,
          headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        });
        state('open');
        attempt = 0;
        if (res.body) {
          await readSse(res.body, (frame) => {
            if (frame.id) lastEventId = frame.id;
            let event: PublicEvent;
            try {
              event = JSON.parse(frame.data) as PublicEvent;
            } catch {
              return;
            }
            onEvent(event);
          });
        }
        if (abort.signal.aborted) break;
        state('reconnecting');
        await pause(reconnectDelayMs(0));
      } catch (error) {
        if (abort.signal.aborted) break;
        // Refused for good (403, 404, 400): retrying cannot help. 429/503 and network failures are retried.
        if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 408) {
          state('stopped', error);
          return;
        }
        state('reconnecting', error);
        await pause(reconnectDelayMs(attempt++));
      }
    }
    state('stopped');
  };
  void run();
  return () => abort.abort();
}
