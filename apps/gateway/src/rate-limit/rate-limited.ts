import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { FastifyReply } from 'fastify';
import type { BucketDecision } from './token-bucket';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The RateLimit fields of the IETF httpapi draft (limit, remaining, seconds until the bucket is full), so a client
 * can slow down before it is refused.
 */
export function setRateLimitHeaders(reply: FastifyReply, d: BucketDecision): void {
  reply.header('ratelimit-limit', d.limit);
  reply.header('ratelimit-remaining', d.remaining);
  reply.header('ratelimit-reset', Math.ceil(d.resetMs / 1000));
}

/**
 * A 429 in the route's own error shape (the error filter writes it) with `Retry-After` in whole seconds, set on the
 * reply that the filter then sends.
 */
export function rateLimited(reply: FastifyReply, retryAfterMs: number, what: string): PlatformError {
  const wait = seconds(retryAfterMs);
  reply.header('retry-after', wait);
  return new PlatformError(
    GrpcStatus.RESOURCE_EXHAUSTED,
    'too_many_requests',
    `${what}; try again in ${wait} second${wait === 1 ? '' : 's'}.`,
  );
}
