import type { FastifyReply } from 'fastify';
import type { StreamSource } from '@platform/common';
import { whenClientGone } from '@platform/common/client-gone';

/** One event as the watsonx SDKs parse it: LF only, a space after each colon, single-line JSON. */
export function sseFrame(id: number, data: unknown): string {
  return `id: ${id}\nevent: message\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams a gRPC server stream as server-sent events. Nothing is written until the first item arrives, so an
 * error before it (bad model, overload, no replica) still reaches the client as a status with the IBM envelope
 * (the returned promise rejects and the exception filter answers). An error after it ends the stream with a
 * well-formed terminal event. A client that goes away (or had gone before the handler started) unsubscribes, which
 * cancels the gRPC call upstream.
 */
export interface StreamFormat {
  frame(id: number, data: unknown): string;
  /** Written after the last event of a stream that completed (OpenAI's `data: [DONE]`). */
  trailer?: string;
}

export const WATSONX_STREAM: StreamFormat = { frame: sseFrame };

export function sendEventStream<T>(
  reply: FastifyReply,
  source: StreamSource<T>,
  // undefined: nothing to send for this item
  view: (item: T) => unknown,
  errorEvent: () => unknown,
  format: StreamFormat = WATSONX_STREAM,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const raw = reply.raw;
    let id = 0;
    let started = false;
    const start = () => {
      started = true;
      reply.hijack();
      const headers: Record<string, string | string[] | number> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
      raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    };
    const finish = () => {
      raw.end();
      resolve();
    };
    const subscription = source.subscribe({
      next: (item) => {
        if (!started) start();
        const data = view(item);
        if (data !== undefined) raw.write(format.frame(++id, data));
      },
      error: (err: unknown) => {
        if (!started) return reject(err);
        raw.write(format.frame(++id, errorEvent()));
        finish();
      },
      complete: () => {
        if (!started) start();
        if (format.trailer) raw.write(format.trailer);
        finish();
      },
    });
    whenClientGone(raw, () => {
      subscription.unsubscribe();
      resolve();
    });
  });
}
