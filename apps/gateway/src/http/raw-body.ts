import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inputLimitsOf } from './input-limits';

/** What a raw-body request is parsed as, whatever it was sent as: no JSON or form parser may buffer it. */
const RAW_TYPE = 'application/x-platform-raw-body';
const sentTypes = new WeakMap<IncomingMessage, string>();

/**
 * Routes of a raw class (input-limits.ts) receive their body as the request stream, of any content type, so a
 * file is streamed to the bucket instead of being held in memory; the route counts the bytes itself. The media type
 * the client sent is kept for `sentContentType`.
 */
export function registerRawBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, _reply, done) => {
    if ((req.method === 'PUT' || req.method === 'POST') && inputLimitsOf(req.routeOptions.url ?? req.url).raw) {
      sentTypes.set(req.raw, req.headers['content-type'] ?? '');
      req.raw.headers['content-type'] = RAW_TYPE;
    }
    done();
  });
  fastify.addContentTypeParser(RAW_TYPE, (_req, payload, done) => done(null, payload));
}

/** The body stream of a raw-class request (an empty one when the request had no body). */
export function rawBodyOf(req: FastifyRequest): Readable | undefined {
  const body = req.body as Readable | undefined;
  return body && typeof body.pipe === 'function' ? body : undefined;
}

/** The media type the client sent a raw-class request with ('' when none). */
export function sentContentType(req: FastifyRequest): string {
  return sentTypes.get(req.raw) ?? req.headers['content-type'] ?? '';
}
