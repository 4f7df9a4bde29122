import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { TRACE_HEADER, currentTraceId } from '@platform/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { toEnvelope } from './error-envelope';

/** Every error leaves the gateway as the IBM envelope, with the request's transaction id as `trace`. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const trace = currentTraceId() ?? String(reply.getHeader(TRACE_HEADER) ?? request.id);
    const envelope = toEnvelope(exception, trace);
    if (envelope.status_code >= 500) this.logger.error({ err: exception, url: request.url }, 'request failed');
    reply.status(envelope.status_code).header(TRACE_HEADER, trace).send(envelope);
  }
}
