import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

export interface StreamLimits {
  perPrincipal: number;
  total: number;
}

/**
 * Counts the open event streams of this gateway, per caller and in all. Each holds a JetStream consumer and a socket,
 * so both are bounded: a caller over its share gets 429, everyone gets 503 while the gateway is full.
 */
export class EventStreamSlots {
  private readonly byPrincipal = new Map<string, number>();
  private open = 0;

  constructor(private readonly limits: StreamLimits) {}

  /** Takes a slot or throws the refusal; the returned function gives it back (once, however often it is called). */
  take(principal: string): () => void {
    const mine = this.byPrincipal.get(principal) ?? 0;
    if (mine >= this.limits.perPrincipal)
      throw new PlatformError(
        GrpcStatus.RESOURCE_EXHAUSTED,
        'too_many_event_streams',
        `You have ${mine} event streams open, the most one caller may (${this.limits.perPrincipal}): close one first.`,
      );
    if (this.open >= this.limits.total)
      throw new PlatformError(
        GrpcStatus.UNAVAILABLE,
        'event_streams_unavailable',
        `This gateway serves its most event streams (${this.limits.total}) now: retry later.`,
      );
    this.byPrincipal.set(principal, mine + 1);
    this.open += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.open -= 1;
      const left = (this.byPrincipal.get(principal) ?? 1) - 1;
      if (left > 0) this.byPrincipal.set(principal, left);
      else this.byPrincipal.delete(principal);
    };
  }

  get size(): number {
    return this.open;
  }
}
