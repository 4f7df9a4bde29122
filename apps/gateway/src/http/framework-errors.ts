import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { TRACE_HEADER, sanitizeTraceId } from '@platform/common';
import type { Logger } from 'pino';
import { sendError } from './error-envelope.filter';
import { errorSurfaceOf } from './error-surface';
import { toEnvelope } from './error-envelope';
import { MAX_PATH_PARAM_CHARS, MAX_HEADER_BYTES, formatBytes } from './input-limits';
import { toOpenAiError } from './openai-error';
import { EARLY_REFUSAL_HEADERS } from './security-headers';

/** What the refusals below need once the application exists (the logger, the public URL). */
export interface FrameworkErrorContext {
  logger: Logger;
  /** Known once the application exists; until then errors point `more_info` at a relative /docs. */
  publicUrl?: string;
}

/** A refusal with its status, shaped by toEnvelope like any framework error. */
const refusal = (statusCode: number, code: string, message: string) => Object.assign(new Error(message), { statusCode, code });

/**
 * Fastify options that put the refusals made before any route runs into the surface's error shape: a path parameter
 * over the policy's length (414), a URL that does not decode (400), and what Node's HTTP parser refuses before Fastify
 * sees a request (431 for oversized headers, 408, 400). `context` is filled in once the application exists.
 */
export function frameworkErrorOptions(
  context: FrameworkErrorContext,
): Pick<FastifyServerOptions, 'maxParamLength' | 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    maxParamLength: MAX_PATH_PARAM_CHARS,
    frameworkErrors: (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
      const trace = sanitizeTraceId(request.headers[TRACE_HEADER]) ?? randomUUID();
      reply.header(TRACE_HEADER, trace).headers(EARLY_REFUSAL_HEADERS);
      const exception =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? refusal(414, 'FST_ERR_MAX_PARAM_LENGTH', `A path parameter is longer than ${MAX_PATH_PARAM_CHARS} characters.`)
          : error.code === 'FST_ERR_BAD_URL'
            ? refusal(400, 'FST_ERR_BAD_URL', 'The URL path is not validly percent-encoded.')
            : error;
      sendError(exception, request, reply, context.logger, context.publicUrl ?? '');
    },
    clientErrorHandler: (error: ConnectionError, socket: Socket) => {
      // A reset connection has no one to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error, context.publicUrl ?? ''));
      socket.destroy(error);
    },
  };
}

/**
 * The whole HTTP response to a request Node's parser refused: the status line with its own reason phrase and the
 * envelope (or OpenAI's shape, when the request line that did arrive names an /openai/v1 route).
 */
export function clientErrorResponse(error: { code?: string; rawPacket?: unknown }, publicUrl: string): string {
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `The request line and headers are larger than ${formatBytes(MAX_HEADER_BYTES)}.`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : [400, 'The request is not valid HTTP.'];
  // Node hands over the bytes it read (typed by Fastify as their JSON form): the request line names the route. Only
  // its path is read (up to the query or the end of what was kept), since the line itself may be what overflowed.
  const head = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1', 0, 2048) : '';
  const path = /^[A-Z]+ (\/[^?\s]*)/.exec(head)?.[1] ?? '/';
  const trace = randomUUID();
  const surface = errorSurfaceOf(path, publicUrl);
  const envelope = toEnvelope(
    refusal(status, error.code ?? 'client_error', message),
    trace,
    surface.shape === 'ibm' ? surface.moreInfo : '',
  );
  const body = JSON.stringify(surface.shape === 'openai' ? toOpenAiError(envelope) : envelope);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${TRACE_HEADER}: ${trace}`,
    ...Object.entries(EARLY_REFUSAL_HEADERS).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
