import { context, SpanKind, type Span } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contextFromHeaders } from './propagation';
import { endSpan, startSpan, transactionAttributes } from './spans';
import { tracingEnabled } from './tracing';
import { currentTraceId, sanitizeTraceId, TRACE_HEADER } from './transaction';

/** Probes and scrapes arrive every few seconds from balancers and Prometheus: tracing them would bury the requests. */
const UNTRACED = /^\/(?:health|ping|metrics)(?:[/?]|$)/;

/**
 * A SERVER span per HTTP request of a Fastify server (the gateway, the engine server), continuing the caller's W3C
 * trace, named by method and route and carrying the transaction id. The rest of the request runs inside it, so its
 * logs and outgoing calls belong to it. Registered only when tracing is on: otherwise not even a hook is added.
 * Register it after the hook that sets the transaction id, so the span can carry it.
 */
export function traceHttpRequests(fastify: FastifyInstance): void {
  if (!tracingEnabled()) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  const finish = (req: FastifyRequest, statusCode: number | undefined, error?: string) => {
    const span = spans.get(req);
    if (!span) return;
    spans.delete(req);
    if (statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    endSpan(span, error ?? (statusCode !== undefined && statusCode >= 500 ? `HTTP ${statusCode}` : undefined));
  };
  fastify.addHook('onRequest', (req, _reply, done) => {
    if (UNTRACED.test(req.url)) return done();
    const route = req.routeOptions.url;
    const query = req.url.indexOf('?');
    const { span, ctx } = startSpan(
      route ? `${req.method} ${route}` : req.method,
      SpanKind.SERVER,
      {
        [ATTR_HTTP_REQUEST_METHOD]: req.method,
        [ATTR_URL_PATH]: query < 0 ? req.url : req.url.slice(0, query),
        ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
        ...transactionAttributes(currentTraceId() ?? sanitizeTraceId(req.headers[TRACE_HEADER])),
      },
      contextFromHeaders((name) => req.headers[name]),
    );
    spans.set(req, span);
    context.with(ctx, done);
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    finish(req, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (req, done) => {
    finish(req, undefined, 'client closed the request');
    done();
  });
}
