import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@platform/test-fixtures';
import { identityTestDataSource } from '../testing/identity-test-database';
import { ContainerEntity } from '../identity/container.entity';
import { UserEntity } from '../identity/user.entity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { ContainerAccessService } from './container-access.service';
import { ContainerRoleQuery } from './container-role-query';
import { ContainersService } from './containers.service';

/** The gateway's identity schema on the real PostgreSQL server, in a database of its own. */
let db: DataSource;
let containers: ContainersService;
const users: Record<string, Principal> = {};

beforeAll(async () => {
  db = await identityTestDataSource(await createTestDatabase('members'));
  containers = new ContainersService(db, new ContainerAccessService(new ContainerRoleQuery(db), { accessCacheMs: 0 }), new AuditLog(db));
  for (const name of ['ada', 'bob', 'cyd']) {
    const row = await db.getRepository(UserEntity).save({ username: name, passwordHash: 'x', role: 'user', defaultProjectId: null });
    users[name] = { userId: row.id, username: name, role: 'user' };
  }
});

afterAll(async () => db?.destroy());

/** A project whose admins are ada and bob, and cyd a viewer. */
async function twoAdmins(): Promise<string> {
  const project = await containers.create('project', { name: 'p' }, users.ada);
  await containers.upsertMembers(project.id, [
    { username: 'bob', role: 'admin' },
    { username: 'cyd', role: 'viewer' },
  ]);
  return project.id;
}

const roles = async (id: string) => (await containers.members(id)).map((m) => `${m.username}:${m.role}`).join(' ');
const LAST_ADMIN = { grpcCode: 6, code: 'conflict', message: expect.stringMatching(/must keep at least one admin/) };

describe('a project keeps at least one admin', () => {
  it('refuses with 409 the only admin demoting herself by POST, two admins demoted in one PATCH, and removing the last admin', async () => {
    const solo = (await containers.create('project', { name: 'solo' }, users.ada)).id;
    await expect(containers.upsertMembers(solo, [{ username: 'ada', role: 'editor' }])).rejects.toMatchObject(LAST_ADMIN);
    await expect(containers.removeMembers(solo, ['ada'])).rejects.toMatchObject(LAST_ADMIN);
    expect(await roles(solo)).toBe('ada:admin');

    const pair = await twoAdmins();
    await expect(
      containers.upsertMembers(
        pair,
        [
          { username: 'ada', role: 'viewer' },
          { username: 'bob', role: 'editor' },
        ],
        { existingOnly: true },
      ),
    ).rejects.toMatchObject(LAST_ADMIN);
    await expect(containers.removeMembers(pair, ['ada', 'bob'])).rejects.toMatchObject(LAST_ADMIN);
    expect(await roles(pair)).toBe('ada:admin bob:admin cyd:viewer');

    // One of two may go, and a change that keeps an admin (demote one, promote another) passes.
    await containers.upsertMembers(
      pair,
      [
        { username: 'ada', role: 'viewer' },
        { username: 'cyd', role: 'admin' },
      ],
      { existingOnly: true },
    );
    await containers.removeMembers(pair, ['bob']);
    expect(await roles(pair)).toBe('ada:viewer cyd:admin');
  });

  it('PATCH names only existing members', async () => {
    const pair = await twoAdmins();
    await containers.removeMembers(pair, ['cyd']);
    await expect(containers.upsertMembers(pair, [{ username: 'cyd', role: 'viewer' }], { existingOnly: true })).rejects.toMatchObject({
      code: 'member_not_found',
    });
  });

  it('of two concurrent demotions of the two admins exactly one wins, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const pair = await twoAdmins();
      const results = await Promise.allSettled([
        containers.upsertMembers(pair, [{ username: 'ada', role: 'editor' }], { existingOnly: true }),
        containers.upsertMembers(pair, [{ username: 'bob', role: 'editor' }], { existingOnly: true }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject(LAST_ADMIN);
      expect((await containers.members(pair)).filter((m) => m.role === 'admin')).toHaveLength(1);
    }
  });

  it('of a concurrent removal and demotion of the two admins exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const pair = await twoAdmins();
      const results = await Promise.allSettled([
        containers.removeMembers(pair, ['ada']),
        containers.upsertMembers(pair, [{ username: 'bob', role: 'viewer' }]),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((await containers.members(pair)).filter((m) => m.role === 'admin')).toHaveLength(1);
    }
  });
});

describe('access decisions (one query for the container and the caller’s role)', () => {
  it('return the container as the repository reads it, with each caller’s role, and refuse with 404 and 403', async () => {
    const access = new ContainerAccessService(new ContainerRoleQuery(db), { accessCacheMs: 0 });
    const project = await twoAdmins();
    await db.getRepository(ContainerEntity).update(project, { tags: ['t'], extra: { storage: { type: 'local' } }, description: 'd' });
    const stored = await db.getRepository(ContainerEntity).findOneByOrFail({ id: project });

    const seen = await access.require('project', project, users.cyd, 'viewer');
    expect(seen.role).toBe('viewer');
    expect(seen.container).toBeInstanceOf(ContainerEntity);
    expect(seen.container).toEqual(stored);
    expect((await access.require('project', project, users.bob, 'admin')).role).toBe('admin');
    const platformAdmin: Principal = { userId: '00000000-0000-4000-8000-0000000000aa', username: 'root', role: 'admin' };
    expect((await access.require('project', project, platformAdmin, 'admin')).role).toBe('admin');

    await expect(access.require('project', project, users.cyd, 'editor')).rejects.toMatchObject({ message: /needs the editor role/ });
    await containers.removeMembers(project, ['cyd']);
    await expect(access.require('project', project, users.cyd, 'viewer')).rejects.toMatchObject({ message: /not a member/ });
    await expect(access.require('space', project, users.ada, 'viewer')).rejects.toMatchObject({ code: 'space_not_found' });
    await expect(access.require('project', '00000000-0000-4000-8000-000000000000', users.ada, 'viewer')).rejects.toMatchObject({
      code: 'project_not_found',
    });
  });
});
