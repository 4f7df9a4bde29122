import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError } from '@platform/common';
import type { DataSource } from 'typeorm';
import { AccessDecisionCache } from '../access/access-decision-cache';
import { GatewayConfig } from '../gateway.config';
import { ApiKeyEntity } from '../identity/api-key.entity';
import { UserEntity } from '../identity/user.entity';
import type { Principal } from './principal';

/**
 * Tokens are signed and stateless, so on their own they would outlive a deleted API key or user until they expire
 * (PLATFORM_TOKEN_TTL_SECONDS, an hour by default). The guard asks here, on every request, whether the credential
 * behind the token still exists: the API key for tokens minted from one (deleting a user deletes its keys), else
 * the user. A yes is kept for PLATFORM_ACCESS_CACHE_MS (default 5000, 0 disables), like access decisions; a no is
 * never kept. So a deleted key's tokens are refused at once by the gateway that deleted it (`forgetUser`) and within
 * PLATFORM_ACCESS_CACHE_MS by every other replica.
 */
@Injectable()
export class CredentialLiveness {
  /** Grouped by user, one member per API key ('' for password sign-ins). */
  private readonly cache: AccessDecisionCache<true>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(GatewayConfig.token) config: Pick<GatewayConfig, 'accessCacheMs'>,
  ) {
    this.cache = new AccessDecisionCache<true>(config.accessCacheMs);
  }

  async require(principal: Principal): Promise<void> {
    const key = principal.apiKeyId ?? '';
    if (this.cache.get(principal.userId, key)) return;
    const epoch = this.cache.epoch;
    const alive =
      principal.apiKeyId === undefined
        ? await this.db.getRepository(UserEntity).existsBy({ id: principal.userId })
        : await this.db.getRepository(ApiKeyEntity).existsBy({ id: principal.apiKeyId, userId: principal.userId });
    if (!alive) {
      throw PlatformError.unauthorized(
        principal.apiKeyId === undefined
          ? 'The user of this token no longer exists.'
          : 'The API key this token was issued for has been deleted; sign in again.',
      );
    }
    this.cache.set(principal.userId, key, true, epoch);
  }

  /** Call after deleting one of the user's API keys (or the user): their tokens are re-checked on their next request. */
  forgetUser(userId: string): void {
    this.cache.forget(userId);
  }
}
