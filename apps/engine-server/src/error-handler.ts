import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EngineOverloadedError } from '@platform/engine';
import type { Dialect } from './context';
import { InvalidRequest, OpenAIError, TgiError, openAIOverloaded, tgiOverloaded } from './errors';

/** Maps any error a route throws to the route's dialect: vLLM's `{"error":{...}}` or TGI's `{error, error_type}`. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const dialect: Dialect = (request.routeOptions.config as { dialect?: Dialect }).dialect ?? 'openai';
  // An error already in one dialect keeps it (TGI's /tokenize shares its path with vLLM's).
  const tgi = error instanceof TgiError || (dialect === 'tgi' && !(error instanceof OpenAIError));
  const body = tgi ? toTgi(error) : toOpenAI(error);
  if (body.status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.code(body.status).send(body.payload);
}

/** Fastify's own errors (body too large, unsupported media type...) carry a status code. */
function frameworkStatus(error: Error): number | undefined {
  const code = (error as FastifyError).statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : undefined;
}

function toOpenAI(error: Error): { status: number; payload: unknown } {
  let e: OpenAIError;
  if (error instanceof OpenAIError) e = error;
  else if (error instanceof InvalidRequest) e = new OpenAIError(400, error.message, 'BadRequestError', error.param);
  else if (error instanceof EngineOverloadedError) e = openAIOverloaded(error.message);
  else {
    const status = frameworkStatus(error);
    e = status
      ? new OpenAIError(status, error.message, status === 404 ? 'NotFoundError' : 'BadRequestError')
      : new OpenAIError(500, error.message, 'InternalServerError');
  }
  return { status: e.status, payload: e.toBody() };
}

function toTgi(error: Error): { status: number; payload: unknown } {
  let e: TgiError;
  if (error instanceof TgiError) e = error;
  else if (error instanceof InvalidRequest) e = new TgiError(422, error.message, 'validation');
  else if (error instanceof EngineOverloadedError) e = tgiOverloaded();
  else {
    const status = frameworkStatus(error);
    e = status ? new TgiError(status === 400 ? 422 : status, error.message, 'validation') : new TgiError(424, error.message, 'generation');
  }
  return { status: e.status, payload: e.toBody() };
}
