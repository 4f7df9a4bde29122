import { createHash, timingSafeEqual } from 'node:crypto';
import { PlatformError } from '@platform/common';
import type { CredentialLiveness } from '../auth/credential-liveness';
import type { TokenService } from '../auth/token.service';

export interface MetricsAccessDeps {
  /** PLATFORM_METRICS_TOKEN: a static bearer token for Prometheus; unset, only platform admins may read. */
  metricsToken: string | undefined;
  tokens: TokenService;
  liveness: CredentialLiveness;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may read /metrics on the public port: a scraper presenting PLATFORM_METRICS_TOKEN as its bearer token
 * (compared in constant time), or a signed-in platform admin. The numbers describe every tenant's traffic, so
 * other users are refused; the services' ops ports stay internal and unauthenticated.
 */
export async function requireMetricsAccess(authorization: string | string[] | undefined, deps: MetricsAccessDeps): Promise<void> {
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  if (!match) throw PlatformError.unauthorized('A bearer token is required in the Authorization header.');
  const presented = match[1];
  if (deps.metricsToken && timingSafeEqual(digest(presented), digest(deps.metricsToken))) return;
  const principal = await deps.tokens.verify(presented);
  await deps.liveness.require(principal);
  if (principal.role !== 'admin') throw PlatformError.forbidden('Only platform admins and the metrics token may read /metrics.');
}
