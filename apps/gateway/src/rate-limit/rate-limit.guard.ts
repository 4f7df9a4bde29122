import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/principal';
import { ApiRateLimiter } from './api-rate-limiter';
import { setRateLimitHeaders, rateLimited } from './rate-limited';
import { routeClassOf } from './route-class';

/**
 * Charges each request to its caller's bucket for its route class: the signed-in user (runs after the AuthGuard,
 * which puts the principal on the request), or the client address on the sign-in routes. Other public routes
 * (health, metrics, docs) are never limited, so probes keep working under load.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: ApiRateLimiter) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest & AuthenticatedRequest>();
    const cls = routeClassOf(req.method, req.url);
    const caller = req.principal ? `user:${req.principal.userId}` : cls === 'auth' ? `address:${req.ip}` : undefined;
    if (!caller) return true;
    const decision = await this.limiter.take(caller, cls);
    if (!decision) return true;
    const reply = http.getResponse<FastifyReply>();
    setRateLimitHeaders(reply, decision);
    if (!decision.allowed) throw rateLimited(reply, decision.retryAfterMs, `Too many ${cls} requests (at most ${decision.limit} at once)`);
    return true;
  }
}
