import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { TRACE_HEADER, currentTraceId } from '@platform/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
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
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const trace = currentTraceId() ?? String(reply.getHeader(TRACE_HEADER) ?? request.id);
    const surface = errorSurfaceOf(request.url, this.publicUrl);
    const envelope = toEnvelope(exception, trace, surface.shape === 'ibm' ? surface.moreInfo : '');
    if (envelope.status_code >= 500) this.logger.error({ err: exception, url: request.url }, 'request failed');
    reply.status(envelope.status_code).header(TRACE_HEADER, trace);
    // OpenAI clients report x-request-id with their errors.
    if (surface.shape === 'openai') reply.header('x-request-id', trace).send(toOpenAiError(envelope));
    else reply.send(envelope);
  }
}
