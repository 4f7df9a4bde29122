import { createServer, type Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { listenHost } from '../config/listen-address';
import type { ReadinessRegistry } from './readiness';

/**
 * A gRPC service's side door for operators: GET /health (liveness with ?live, readiness otherwise) and
 * Prometheus GET /metrics, on its own port so probes never queue behind gRPC work.
 */
export function startOpsServer(opts: { port: number; readiness: ReadinessRegistry; registry: Registry }): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/health') {
      if (url.searchParams.has('live')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      const report = await opts.readiness.check();
      res
        .writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: report.ready ? 'ok' : 'unavailable', checks: report.checks }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': opts.registry.contentType }).end(await opts.registry.metrics());
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, listenHost() ?? '127.0.0.1', () => resolve(server));
  });
}

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
