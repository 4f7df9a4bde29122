import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { PlatformRole } from '../identity/user.entity';

export interface Principal {
  userId: string;
  username: string;
  role: PlatformRole;
  /** The API key the token was minted from (absent for password sign-ins): the token dies with the key. */
  apiKeyId?: string;
  /** Where this request came from (request.ip, see PLATFORM_TRUST_PROXY), for the audit log. */
  clientAddress?: string;
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
