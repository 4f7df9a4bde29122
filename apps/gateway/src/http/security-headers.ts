import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * One Content-Security-Policy for every answer, strict enough for the API's JSON and loose enough for Swagger UI at
 * /docs, whose page loads its bundle, preset and init script from the gateway itself ('self', no inline script), keeps
 * a <style> block and inline styles ('unsafe-inline' for styles only), draws icons from data: URIs and reads the
 * document from the gateway. No upgrade-insecure-requests: the embedded default serves plain http on 127.0.0.1.
 */
const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * What helmet 8 sends with the CSP above, framing denied and no referrer (its other defaults as they are), written
 * out once: @fastify/helmet built a helmet middleware, parsing the CSP again, on every request.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': Object.entries(CONTENT_SECURITY_POLICY)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';'),
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
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
 * Security headers on every answer (nosniff, no framing, the CSP above, no referrer) and `Cache-Control: no-store` on
 * every answer that sets no caching of its own: the API's answers are per caller and some carry tokens, keys or
 * secrets, so no shared or browser cache may keep one. The streams that write their own head copy these from the reply.
 */
export function registerSecurityHeaders(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (_req, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
