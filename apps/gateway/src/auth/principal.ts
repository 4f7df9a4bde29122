import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { PlatformRole } from '../identity/user.entity';

export interface Principal {
  userId: string;
  username: string;
  role: PlatformRole;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The authenticated caller, put on the request by the AuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('route is public but asks for a principal');
  return principal;
});
