import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { TRACE_HEADER, currentTraceId } from '@platform/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { explainBodyTooLarge } from './body-parsers';
import { toEnvelope } from './error-envelope';
import { errorSurfaceOf } from './error-surface';
import { toOpenAiError } from './openai-error';

/**
 * Every error leaves the gateway in the shape of the API its route belongs to: the IBM envelope (with the request's
 * transaction id as `trace` and `more_info` at that API's reference) or, on the OpenAI-compatible routes, OpenAI's
 * error object. Both come from the one envelope, so status and codes agree across surfaces.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly publicUrl: string,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger, this.publicUrl);
  }
}

/**
 * Answers `exception` in the surface's shape: the filter's path for everything Nest sees, and Fastify's for what it
 * refuses before routing (framework-errors.ts).
 */
export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger, publicUrl: string): void {
  const trace = currentTraceId() ?? String(reply.getHeader(TRACE_HEADER) ?? request.id);
  const surface = errorSurfaceOf(request.url, publicUrl);
  const envelope = toEnvelope(explainBodyTooLarge(exception, request), trace, surface.shape === 'ibm' ? surface.moreInfo : '');
  if (envelope.status_code >= 500) logger.error({ err: exception, url: request.url }, 'request failed');
  reply.status(envelope.status_code).header(TRACE_HEADER, trace);
  // OpenAI clients report x-request-id with their errors.
  if (surface.shape === 'openai') reply.header('x-request-id', trace).send(toOpenAiError(envelope));
  else reply.send(envelope);
}
