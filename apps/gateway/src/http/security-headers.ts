import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * One Content-Security-Policy for every answer, strict enough for the API's JSON and loose enough for Swagger UI at
 * /docs, whose page loads its bundle, preset and init script from the gateway itself ('self', no inline script), keeps
 * a <style> block and inline styles ('unsafe-inline' for styles only), draws icons from data: URIs and reads the
 * document from the gateway. No upgrade-insecure-requests: the embedded default serves plain http on 127.0.0.1.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
  },
};

/**
 * The security headers of a refusal written before any route or hook runs (a path parameter over the limit, what
 * Node's HTTP parser refuses): the JSON error needs nothing loaded, framed or cached.
 */
export const EARLY_REFUSAL_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * Security headers on every answer (helmet: nosniff, no framing, the CSP above, no referrer) and `Cache-Control:
 * no-store` on every answer that sets no caching of its own: the API's answers are per caller and some carry tokens,
 * keys or secrets, so no shared or browser cache may keep one.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (_req, reply, payload, done) => {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      done(null, payload);
    });
}
