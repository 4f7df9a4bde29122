import type { ServerResponse } from 'node:http';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { PlatformError } from '@platform/common';
import { whenClientGone } from '@platform/common/client-gone';
import type { FastifyReply } from 'fastify';

/**
 * A signal that aborts when the client goes away before its answer is written (the response closes unfinished), so
 * that a unary route cancels the call behind it: a non-streaming generation would otherwise run to its last token for
 * nobody, holding its place in the model's pool. Streaming routes stop the same way (`sendEventStream`). The reason is
 * a 4xx, so the answer nobody reads is not logged as the gateway's failure.
 */
export function clientGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  whenClientGone(res, () => gone.abort(new PlatformError(GrpcStatus.CANCELLED, 'cancelled', 'The client closed the connection.')));
  return gone.signal;
}

/** `@ClientGone() gone: AbortSignal` in a handler: `clientGone` of its response. */
export const ClientGone = createParamDecorator((_: unknown, ctx: ExecutionContext): AbortSignal =>
  clientGone(ctx.switchToHttp().getResponse<FastifyReply>().raw),
);
