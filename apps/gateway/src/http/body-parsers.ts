import { HttpException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PlatformError, jsonNestsDeeperThan } from '@platform/common';
import { MAX_BODY_BYTES, MAX_PATH_PARAM_CHARS, MAX_QUERY_VALUE_CHARS, formatBytes, inputLimitsOf, type InputLimits } from './input-limits';
import { registerRawBodies } from './raw-body';
import { depthBreach, findLimitBreach, scopeOf, stringBreach, type LimitBreach } from './json-limits';

/** A body over its route's size limit: 413 in the envelope, naming the limit. */
export class BodyTooLargeError extends Error {
  readonly statusCode = 413;
  constructor(limits: InputLimits) {
    super(`The request body is larger than ${formatBytes(limits.bodyBytes)}, the limit of ${scopeOf(limits)}.`);
    this.name = 'BodyTooLargeError';
  }
}

const limitsOf = (req: FastifyRequest) => inputLimitsOf(req.routeOptions.url ?? req.url);

const refusal = (b: LimitBreach) => PlatformError.invalid(b.message, b.field || undefined);

/** The media types whose bodies are JSON: plain, and the RFC 6902 patches the SDK's PATCH calls send. */
const JSON_TYPES = ['application/json', 'application/json-patch+json'];
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Registers the gateway's body parsers and the checks of query and path parameters, all under the input policy
 * (input-limits.ts): each route reads at most its class's body size (the route's Fastify `bodyLimit`), JSON is
 * refused by its nesting before it is parsed, and every parsed value is walked once for string length, collection
 * size and NUL characters. Call before the routes are registered (Nest registers them at init).
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit = inputLimitsOf(route.url ?? route.path ?? '').bodyBytes;
  });

  registerRawBodies(fastify);

  fastify.removeContentTypeParser(JSON_TYPES.filter((t) => fastify.hasContentTypeParser(t)));
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(JSON_TYPES, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (req, body, done) => {
    const limits = limitsOf(req);
    const text = body as string;
    if (jsonNestsDeeperThan(text, limits.depth)) return done(refusal(depthBreach(limits)), undefined);
    // Fastify's own JSON parser (prototype-poisoning checks included) calls back synchronously.
    void parseJson(req, text, (err, value) => {
      if (err) return done(err, undefined);
      const breach = findLimitBreach(value, limits);
      done(breach ? refusal(breach) : null, breach ? undefined : value);
    });
  });

  if (fastify.hasContentTypeParser(FORM_TYPE)) fastify.removeContentTypeParser(FORM_TYPE);
  fastify.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (req, body, done) => {
    const limits = limitsOf(req);
    const value = formFields(body as string, limits);
    const breach = 'field' in value ? (value as LimitBreach) : findLimitBreach(value, limits);
    done(breach ? refusal(breach) : null, breach ? undefined : value);
  });

  fastify.addHook('preValidation', (req, _reply, done) => {
    const breach = parameterBreach(req);
    done(breach ? refusal(breach) : undefined);
  });
}

/** A form body as an object (a repeated name becomes an array), or the breach of too many fields. */
function formFields(text: string, limits: InputLimits): Record<string, string | string[]> | LimitBreach {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > limits.collectionItems)
      return { field: '', message: `The form has more than ${limits.collectionItems} fields, the limit of ${scopeOf(limits)}.` };
    const seen = fields[name];
    fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return fields;
}

const QUERY = [MAX_QUERY_VALUE_CHARS, 'query parameters'] as const;
const PATH = [MAX_PATH_PARAM_CHARS, 'path parameters'] as const;

/** NUL characters and overlong values in the query string or the path parameters, named by their parameter. */
function parameterBreach(req: FastifyRequest): LimitBreach | undefined {
  // An unmatched URL's only parameter is the whole path ('*'): it is answered 404, not judged as a parameter.
  const params = req.is404 ? {} : req.params;
  for (const [where, [max, scope]] of [
    [req.query, QUERY],
    [params, PATH],
  ] as const) {
    if (where === null || typeof where !== 'object') continue;
    for (const [name, value] of Object.entries(where as Record<string, unknown>)) {
      const breach =
        stringBreach(name, name, max, scope, 'name') ??
        (Array.isArray(value) ? value : [value])
          .filter((v): v is string => typeof v === 'string')
          .map((v) => stringBreach(v, name, max, scope))
          .find((b) => b !== undefined);
      if (breach) return breach;
    }
  }
  return undefined;
}

/**
 * Fastify's own 413 (from Content-Length or the bytes read; Nest hands it over as an HttpException) as the policy's,
 * naming the route's limit.
 */
export function explainBodyTooLarge(err: unknown, req: FastifyRequest): unknown {
  const status = err instanceof HttpException ? err.getStatus() : (err as { statusCode?: unknown } | null)?.statusCode;
  return status === 413 ? new BodyTooLargeError(limitsOf(req)) : err;
}
