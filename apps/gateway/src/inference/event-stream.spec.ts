import Fastify from 'fastify';
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { sendEventStream } from './event-stream';

/** A real Fastify server streaming an observable that emits `items` and then fails or completes. */
async function serve(items: string[], fail: boolean) {
  const app = Fastify();
  app.post('/s', async (_req, reply) => {
    const source = new Observable<string>((sub) => {
      for (const i of items) sub.next(i);
      if (fail) sub.error(new Error('backend gone'));
      else sub.complete();
    });
    try {
      await sendEventStream(
        reply,
        source,
        (i) => ({ text: i }),
        () => ({ stop_reason: 'error' }),
      );
    } catch {
      await reply.status(503).send({ errors: [{ code: 'service_unavailable' }] });
    }
  });
  const res = await app.inject({ method: 'POST', url: '/s' });
  await app.close();
  return res;
}

describe('sendEventStream', () => {
  it('frames each item as a watsonx event', async () => {
    const res = await serve(['a', 'b'], false);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.body).toBe('id: 1\nevent: message\ndata: {"text":"a"}\n\nid: 2\nevent: message\ndata: {"text":"b"}\n\n');
  });

  it('ends a stream that fails after its first event with a terminal error event', async () => {
    const res = await serve(['a'], true);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('id: 1\nevent: message\ndata: {"text":"a"}\n\nid: 2\nevent: message\ndata: {"stop_reason":"error"}\n\n');
  });

  it('leaves a failure before the first event to the error envelope', async () => {
    const res = await serve([], true);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ errors: [{ code: 'service_unavailable' }] });
  });
});
