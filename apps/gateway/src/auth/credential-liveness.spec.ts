import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config';
import { ApiKeyEntity } from '../identity/api-key.entity';
import type { UserEntity } from '../identity/user.entity';
import { CredentialLiveness } from './credential-liveness';
import { TokenService } from './token.service';

const REQUIRED = { DATABASE_URL: 'postgres://x', PLATFORM_JWT_SECRET: 's', PLATFORM_ADMIN_PASSWORD: 'p', PLATFORM_ADMIN_APIKEY: 'k' };
const USER = { id: 'u-1', username: 'erin', role: 'user' } as UserEntity;

/** Users and API keys the test deletes directly, counting the lookups made. */
function fakeDb() {
  const users = new Set([USER.id]);
  const keys = new Map([['key-1', USER.id]]);
  let lookups = 0;
  const db = {
    getRepository: (entity: unknown) => ({
      existsBy: async (where: { id: string; userId?: string }) => {
        lookups++;
        return entity === ApiKeyEntity ? keys.get(where.id) === where.userId : users.has(where.id);
      },
    }),
  } as unknown as DataSource;
  return { db, users, keys, lookups: () => lookups };
}

describe('tokens minted from an API key', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  const config = GatewayConfig.load({ ...REQUIRED, PLATFORM_ACCESS_CACHE_MS: '5000' });

  it('carry the key id, and a password sign-in carries none', async () => {
    const tokens = new TokenService(config);
    expect(await tokens.verify((await tokens.issue(USER, 'access', 'key-1')).token)).toMatchObject({ userId: USER.id, apiKeyId: 'key-1' });
    expect(await tokens.verify((await tokens.issue(USER)).token)).not.toHaveProperty('apiKeyId');
  });

  it('stop working once the key is deleted: at once after forgetUser, else when the cached yes expires', async () => {
    const { db, keys, lookups } = fakeDb();
    const liveness = new CredentialLiveness(db, config);
    const principal = { userId: USER.id, username: USER.username, role: 'user' as const, apiKeyId: 'key-1' };
    await liveness.require(principal);
    await liveness.require(principal);
    expect(lookups()).toBe(1);

    keys.delete('key-1');
    await liveness.require(principal); // another replica deleted it: still the cached yes
    vi.advanceTimersByTime(5000);
    await expect(liveness.require(principal)).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/API key/) });

    keys.set('key-1', USER.id);
    await liveness.require(principal);
    keys.delete('key-1');
    liveness.forgetUser(USER.id);
    await expect(liveness.require(principal)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('a token of a deleted user stops working; refusals are never cached', async () => {
    const { db, users, lookups } = fakeDb();
    const liveness = new CredentialLiveness(db, config);
    const principal = { userId: USER.id, username: USER.username, role: 'user' as const };
    users.delete(USER.id);
    await expect(liveness.require(principal)).rejects.toMatchObject({ message: expect.stringMatching(/no longer exists/) });
    users.add(USER.id);
    await liveness.require(principal);
    expect(lookups()).toBe(2);
  });
});
