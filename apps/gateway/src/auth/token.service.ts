import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { PlatformError } from '@platform/common';
import { GatewayConfig } from '../gateway.config';
import type { Principal } from './principal';
import type { UserEntity } from '../identity/user.entity';

export interface IssuedToken {
  token: string;
  iat: number;
  exp: number;
  expiresIn: number;
}

/** Verified access tokens kept so a client's next requests skip the HMAC check (bounded; oldest dropped first). */
const VERIFIED_MAX = 10_000;

/** Signed JWTs with iat/exp, which IBM's SDK authenticators decode to schedule their refresh. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  /**
   * token → principal and expiry, for tokens that verified. A token's signature and claims cannot change, so the
   * cache only has to re-check the expiry (as jose does: expired once exp <= now in whole seconds), so answering from
   * here is the same decision as verifying. Whether the user or API key behind a token still exists is a separate
   * question, asked on every request by CredentialLiveness.
   */
  private readonly verified = new Map<string, { principal: Principal; exp: number }>();

  constructor(@Inject(GatewayConfig.token) config: GatewayConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
    this.ttlSeconds = config.tokenTtlSeconds;
  }

  /** `apiKeyId`: the key the caller signed in with, carried as the `api_key_id` claim so the token dies with the key. */
  async issue(user: UserEntity, use: 'access' | 'refresh' = 'access', apiKeyId?: string): Promise<IssuedToken> {
    const iat = Math.floor(Date.now() / 1000);
    const expiresIn = use === 'access' ? this.ttlSeconds : this.ttlSeconds * 24;
    const exp = iat + expiresIn;
    const claims = { username: user.username, role: user.role, use, ...(apiKeyId === undefined ? {} : { api_key_id: apiKeyId }) };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setIssuer('llm-platform')
      .sign(this.key);
    return { token, iat, exp, expiresIn };
  }

  async verify(token: string): Promise<Principal> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp > Math.floor(Date.now() / 1000)) return { ...hit.principal };
      this.verified.delete(token);
      throw PlatformError.unauthorized('The token has expired.');
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'llm-platform', algorithms: ['HS256'] });
      if (payload.use !== 'access' || typeof payload.sub !== 'string')
        throw PlatformError.unauthorized('The token is not an access token.');
      const role = payload.role === 'admin' ? 'admin' : 'user';
      const principal: Principal = { userId: payload.sub, username: String(payload.username), role };
      if (typeof payload.api_key_id === 'string') principal.apiKeyId = payload.api_key_id;
      if (typeof payload.exp === 'number') {
        if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value as string);
        this.verified.set(token, { principal, exp: payload.exp });
      }
      return { ...principal };
    } catch (err) {
      if (err instanceof PlatformError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw PlatformError.unauthorized('The token has expired.');
      throw PlatformError.unauthorized('The token is invalid.');
    }
  }
}
