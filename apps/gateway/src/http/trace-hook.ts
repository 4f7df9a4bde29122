import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { TRACE_HEADER, runWithTrace, sanitizeTraceId } from '@platform/common';
import { traceHttpRequests } from '@platform/telemetry';

/**
 * Takes X-Global-Transaction-Id from the request (or makes one), echoes it on the response, and runs the rest
 * of the request inside that trace so logs, errors and gRPC metadata all carry it. With tracing on, each request
 * also gets a SERVER span (continuing a caller's `traceparent`) carrying the transaction id.
 */
export function registerTraceHook(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    const traceId = sanitizeTraceId(req.headers[TRACE_HEADER]) ?? randomUUID();
    reply.header(TRACE_HEADER, traceId);
    runWithTrace(traceId, done);
  });
  traceHttpRequests(fastify);
}
