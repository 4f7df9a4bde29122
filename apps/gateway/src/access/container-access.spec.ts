import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../auth/principal';
import type { ContainerEntity } from '../identity/container.entity';
import type { MemberRole } from '../identity/membership.entity';
import { GatewayConfig } from '../gateway.config';
import { AccessDecisionCache } from './access-decision-cache';
import { ContainerAccessService } from './container-access.service';
import type { ContainerRoleQuery } from './container-role-query';

const PROJECT = '11111111-1111-4111-8111-111111111111';
const vic: Principal = { userId: 'u-vic', username: 'vic', role: 'user' };

/** The access query over a database of one project whose membership table the test edits directly, counting its reads. */
function fakeQuery() {
  const members = new Map<string, MemberRole>();
  let queries = 0;
  const query = {
    read: async (kind: string, id: string, userId: string) => {
      queries++;
      if (id !== PROJECT || kind !== 'project') return undefined;
      return { container: { id: PROJECT, kind: 'project' } as ContainerEntity, role: members.get(userId) };
    },
  } as ContainerRoleQuery;
  return { query, members, queries: () => queries };
}

const REQUIRED = { DATABASE_URL: 'postgres://x', PLATFORM_JWT_SECRET: 's', PLATFORM_ADMIN_PASSWORD: 'p', PLATFORM_ADMIN_APIKEY: 'k' };

/** The service as the gateway configures it from PLATFORM_ACCESS_CACHE_MS (unset: the default). */
function service(ttlMs: string | undefined) {
  const fake = fakeQuery();
  const config = GatewayConfig.load({ ...REQUIRED, PLATFORM_ACCESS_CACHE_MS: ttlMs });
  return { ...fake, access: new ContainerAccessService(fake.query, config) };
}

describe('ContainerAccessService decision cache', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('answers repeated checks from the cache and still enforces the role rank', async () => {
    const { access, members, queries } = service('5000');
    members.set(vic.userId, 'viewer');
    expect(await access.check('project', PROJECT, vic, 'viewer')).toBe('viewer');
    const afterFirst = queries();
    expect(await access.check('project', PROJECT, vic, 'viewer')).toBe('viewer');
    expect(queries()).toBe(afterFirst);
    await expect(access.check('project', PROJECT, vic, 'editor')).rejects.toMatchObject({
      message: expect.stringMatching(/needs the editor role/),
    });
  });

  it('a member revoked on this gateway loses access immediately', async () => {
    const { access, members } = service('5000');
    members.set(vic.userId, 'viewer');
    await access.check('project', PROJECT, vic, 'viewer');
    members.delete(vic.userId);
    access.forget(PROJECT); // what ContainersService does after it changed the members
    await expect(access.check('project', PROJECT, vic, 'viewer')).rejects.toMatchObject({
      message: `You are not a member of project ${PROJECT}.`,
    });
  });

  it('a member revoked elsewhere (another gateway replica) loses access once the TTL has passed', async () => {
    const { access, members } = service('5000');
    members.set(vic.userId, 'viewer');
    await access.check('project', PROJECT, vic, 'viewer');
    members.delete(vic.userId); // no forget: this gateway did not see the change
    vi.advanceTimersByTime(4999);
    expect(await access.check('project', PROJECT, vic, 'viewer')).toBe('viewer');
    vi.advanceTimersByTime(1);
    await expect(access.check('project', PROJECT, vic, 'viewer')).rejects.toMatchObject({
      message: `You are not a member of project ${PROJECT}.`,
    });
  });

  it('never caches denials, unknown containers or malformed ids, and 0 disables the cache', async () => {
    const { access, members } = service('5000');
    await expect(access.check('project', PROJECT, vic, 'viewer')).rejects.toMatchObject({ message: /not a member/ });
    members.set(vic.userId, 'viewer');
    expect(await access.check('project', PROJECT, vic, 'viewer')).toBe('viewer');
    await expect(access.check('space', PROJECT, vic, 'viewer')).rejects.toMatchObject({ message: `The space ${PROJECT} was not found.` });
    await expect(access.check('project', 'nope', vic, 'viewer')).rejects.toMatchObject({ message: 'project_id must be a lowercase UUID.' });

    const off = service('0');
    off.members.set(vic.userId, 'viewer');
    await off.access.check('project', PROJECT, vic, 'viewer');
    const n = off.queries();
    await off.access.check('project', PROJECT, vic, 'viewer');
    expect(off.queries()).toBe(n + 1);
    off.members.delete(vic.userId);
    await expect(off.access.check('project', PROJECT, vic, 'viewer')).rejects.toMatchObject({ message: /not a member/ });
  });

  it('defaults to a few seconds', () => {
    expect(service(undefined).access).toBeInstanceOf(ContainerAccessService);
    expect(new AccessDecisionCache<string>(5000).ttlMs).toBe(5000);
  });
});

describe('AccessDecisionCache', () => {
  it('does not store a decision read before a forget (a lookup racing a membership change)', () => {
    const cache = new AccessDecisionCache<string>(5000, 10, () => 0);
    const epoch = cache.epoch;
    cache.forget(PROJECT);
    cache.set(PROJECT, 'project:u', 'admin', epoch);
    expect(cache.get(PROJECT, 'project:u')).toBeUndefined();
  });

  it('stays within its bound, dropping the oldest containers first', () => {
    const cache = new AccessDecisionCache<string>(5000, 2, () => 0);
    cache.set('a', 'project:u', 'viewer', cache.epoch);
    cache.set('b', 'project:u', 'viewer', cache.epoch);
    cache.set('c', 'project:u', 'viewer', cache.epoch);
    expect(cache.get('a', 'project:u')).toBeUndefined();
    expect(cache.get('b', 'project:u')).toBe('viewer');
    expect(cache.get('c', 'project:u')).toBe('viewer');
  });
});
