import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PlatformError } from '@platform/common';
import type { FastifyRequest } from 'fastify';
import { CredentialLiveness } from './credential-liveness';
import type { AuthenticatedRequest } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { TokenService } from './token.service';

/**
 * Every route needs `Authorization: Bearer <jwt>` unless it is marked @Public(); the token's user, and the API key it
 * was minted from, must still exist.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly liveness: CredentialLiveness,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw PlatformError.unauthorized('A bearer token is required in the Authorization header.');
    const principal = await this.tokens.verify(match[1]);
    await this.liveness.require(principal);
    req.principal = { ...principal, clientAddress: req.ip };
    return true;
  }
}
