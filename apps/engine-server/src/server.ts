import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ServedModel } from '@platform/engine';
import { traceHttpRequests } from '@platform/telemetry';
import { ServerContext } from './context';
import { MalformedJson } from './errors';
import { handleError } from './error-handler';
import { EngineMetrics } from './metrics';
import { ModelRegistry } from './models';
import { registerChat } from './openai/chat';
import { registerCompletions } from './openai/completions';
import { registerEmbeddings } from './openai/embeddings';
import { registerModels } from './openai/models';
import { registerTgiGenerate } from './tgi/generate';
import { registerTgiInfo } from './tgi/info';
import { registerTokenize } from './tokenize';
import { ENGINE_SERVER_VERSION } from './version';

export interface EngineServerOptions {
  /** A pino logger; omitted means silent. */
  logger?: FastifyBaseLogger;
  /** Inference requests admitted at once before answering 429 (TGI's --max-concurrent-requests). */
  maxConcurrentRequests?: number;
  /** Largest accepted request body. */
  bodyLimit?: number;
}

export interface EngineServer {
  app: FastifyInstance;
  metrics: EngineMetrics;
  /** Listens on host:port (port 0 = any free one) and returns the base URL. */
  listen(port: number, host?: string): Promise<string>;
  /**
   * Graceful stop: /health turns 503, the listener closes, in-flight requests may finish for up to `drainMs`,
   * then whatever still runs is aborted. The models are not closed here; they belong to the caller.
   */
  shutdown(drainMs?: number): Promise<void>;
}

export function buildEngineServer(models: ServedModel[], opts: EngineServerOptions = {}): EngineServer {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: opts.bodyLimit ?? 64 * 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  // A model server's span per request, child of the inference service's call when it sent a traceparent.
  traceHttpRequests(app);
  const registry = new ModelRegistry(models);
  const metrics = new EngineMetrics(registry.all);
  const ctx = new ServerContext(registry, metrics, opts.maxConcurrentRequests ?? 256, app.log);

  // vLLM reads any body as JSON whatever its content type; so does this server.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new MalformedJson((err as Error).message), undefined);
    }
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: { message: `Route ${request.method}:${request.url} not found`, type: 'NotFoundError', param: null, code: 404 } });
  });

  // Probes and scrapes arrive every few hundred milliseconds from routers; keep them out of the info log.
  const quiet = { logLevel: 'warn' as const };
  app.get('/health', quiet, async (_req, reply) => reply.code(ctx.draining ? 503 : 200).send());
  app.get('/ping', quiet, async (_req, reply) => reply.code(ctx.draining ? 503 : 200).send());
  app.get('/version', async () => ({ version: ENGINE_SERVER_VERSION }));
  app.get('/metrics', quiet, async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  registerModels(app, ctx);
  registerCompletions(app, ctx);
  registerChat(app, ctx);
  registerEmbeddings(app, ctx);
  registerTokenize(app, ctx);
  registerTgiGenerate(app, ctx);
  registerTgiInfo(app, ctx);

  return {
    app,
    metrics,
    async listen(port, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      return `http://${host}:${actual}`;
    },
    async shutdown(drainMs = 30_000) {
      ctx.draining = true;
      const closing = app.close(); // stops accepting; answers 503 to requests on kept-alive connections
      const deadline = Date.now() + drainMs;
      while (ctx.activeRequests > 0 && Date.now() < deadline) await sleep(10);
      if (ctx.activeRequests > 0) {
        app.log.warn({ active: ctx.activeRequests }, 'drain deadline passed: aborting in-flight requests');
        ctx.abortAll();
        const grace = Date.now() + 2000;
        while (ctx.activeRequests > 0 && Date.now() < grace) await sleep(10);
      }
      // Nothing is generating any more: connections still open are idle or never sent a request.
      app.server.closeAllConnections();
      await closing;
    },
  };
}
