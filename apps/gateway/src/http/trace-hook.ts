import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { TRACE_HEADER, runWithTrace, sanitizeTraceId } from '@platform/common';

/**
 * Takes X-Global-Transaction-Id from the request (or makes one), echoes it on the response, and runs the rest
 * of the request inside that trace so logs, errors and gRPC metadata all carry it.
 */
export function registerTraceHook(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    const traceId = sanitizeTraceId(req.headers[TRACE_HEADER]) ?? randomUUID();
    reply.header(TRACE_HEADER, traceId);
    runWithTrace(traceId, done);
  });
}
