import { once } from 'node:events';
import type { FastifyReply } from 'fastify';
import { publicEventOf, type EventSelection, type PublicEvent } from './public-event';
import type { StoredEventsReader } from './stored-events';

export interface StreamTiming {
  keepAliveMs: number;
  maxStreamMs: number;
}

/** One SSE event: the stream sequence as its id (what EventSource sends back as Last-Event-ID), the event as data. */
export function publicEventFrame(event: PublicEvent): string {
  return `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Writes the selected events of `reader` to the reply as server-sent events until the client goes away, the stream
 * has lasted `maxStreamMs`, `stillAllowed` rejects (checked at each keep-alive: a member removed from the project
 * stops receiving within one interval) or `stop` is called (shutdown). Whatever ends it closes the reader, which
 * deletes the consumer. A slow client is waited for (`drain`), never buffered without bound.
 */
export async function pipeEventStream(
  reply: FastifyReply,
  reader: StoredEventsReader,
  selection: EventSelection,
  timing: StreamTiming,
  stillAllowed: () => Promise<unknown>,
): Promise<{ stop: () => void; done: Promise<void> }> {
  const raw = reply.raw;
  reply.hijack();
  const headers: Record<string, string | string[] | number> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies would otherwise hold events back until a buffer fills.
    'x-accel-buffering': 'no',
  });
  // The comment flushes the headers, so a client knows the subscription is in place before the first event.
  raw.write(': subscribed\n\n');

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(keepAlive);
    clearTimeout(lifetime);
    void reader.close();
    if (!raw.writableEnded) raw.end();
  };
  const keepAlive = setInterval(() => {
    if (!raw.writableEnded) raw.write(': keep-alive\n\n');
    stillAllowed().catch(end);
  }, timing.keepAliveMs);
  const lifetime = setTimeout(end, timing.maxStreamMs);
  raw.once('close', end);

  const done = (async () => {
    try {
      for await (const stored of reader.events) {
        if (ended) break;
        const event = publicEventOf(stored.seq, stored.envelope, selection);
        if (!event) continue;
        if (!raw.write(publicEventFrame(event))) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
      }
    } catch {
      // The consumer failed (NATS went away): the client reconnects with the last id it received and misses nothing.
    } finally {
      end();
    }
  })();
  return { stop: end, done };
}
