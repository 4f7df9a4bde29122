import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Request counts and latencies per route template (not per URL, which would explode label cardinality). */
export function registerHttpMetrics(fastify: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served by the gateway',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency at the gateway',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Counted when the response closes rather than in onResponse, which Fastify runs only for an answer written out:
  // a client that leaves first (a unary call it gave up on, a stream it stopped reading) is counted too, as nginx
  // counts it (499, client closed request).
  fastify.addHook('onRequest', (req, reply, done) => {
    const start = performance.now();
    const res = reply.raw;
    res.once('close', () => {
      const route = req.routeOptions?.url ?? 'unmatched';
      requests.inc({ method: req.method, route, status: res.writableFinished ? String(res.statusCode) : CLIENT_CLOSED_REQUEST });
      latency.observe({ method: req.method, route }, (performance.now() - start) / 1000);
    });
    done();
  });
}

const CLIENT_CLOSED_REQUEST = '499';
