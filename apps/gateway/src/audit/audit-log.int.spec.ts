import { NEWEST_FIRST, keysetPage } from '@platform/common';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@platform/test-fixtures';
import { identityTestDataSource } from '../testing/identity-test-database';
import { UserEntity } from '../identity/user.entity';
import { AuditEventEntity } from './audit-event.entity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerAccessService } from '../access/container-access.service';
import { ContainerRoleQuery } from '../access/container-role-query';
import { ContainersService } from '../access/containers.service';
import type { Principal } from '../auth/principal';
import { filterAuditEvents, type AuditQuery } from './audit-filters';
import { AuditLog } from './audit-log';

let db: DataSource;
let audit: AuditLog;
let containers: ContainersService;
const users: Record<string, Principal & { clientAddress: string }> = {};

beforeAll(async () => {
  db = await identityTestDataSource(await createTestDatabase('audit'));
  audit = new AuditLog(db);
  containers = new ContainersService(db, new ContainerAccessService(new ContainerRoleQuery(db), { accessCacheMs: 0 }), audit);
  for (const name of ['ada', 'bob']) {
    const row = await db.getRepository(UserEntity).save({ username: name, passwordHash: 'x', role: 'user', defaultProjectId: null });
    users[name] = { userId: row.id, username: name, role: 'user', clientAddress: '192.0.2.7' };
  }
});

afterAll(async () => db?.destroy());

const list = async (q: AuditQuery, limit = 100, start = '') =>
  keysetPage(filterAuditEvents(db.getRepository(AuditEventEntity).createQueryBuilder('e'), q), NEWEST_FIRST('e'), { limit, start });

describe('member changes in the audit log', () => {
  it('records an add, a role change and a removal with who did it, and nothing for a refused change', async () => {
    const project = await containers.create('project', { name: 'p' }, users.ada);
    await containers.upsertMembers(project.id, [{ username: 'bob', role: 'viewer' }], { actor: users.ada });
    // Setting the role a member already has is no change.
    await containers.upsertMembers(project.id, [{ username: 'bob', role: 'viewer' }], { actor: users.ada });
    await containers.upsertMembers(project.id, [{ username: 'bob', role: 'editor' }], { existingOnly: true, actor: users.ada });
    // Refused (the last admin would go): neither the change nor an event is written.
    await expect(containers.removeMembers(project.id, ['ada'], users.ada)).rejects.toMatchObject({ code: 'conflict' });
    await containers.removeMembers(project.id, ['bob'], users.bob);

    const events = (await list({ action: 'member' })).items.filter((e) => e.details.container_id === project.id).reverse();
    expect(events.map((e) => [e.action, e.actorName, e.targetName, e.details.role ?? null, e.details.previous_role ?? null])).toEqual([
      ['member.added', 'ada', 'bob', 'viewer', null],
      ['member.changed', 'ada', 'bob', 'editor', 'viewer'],
      ['member.removed', 'bob', 'bob', null, 'editor'],
    ]);
    expect(events[0]).toMatchObject({ actorId: users.ada.userId, clientAddress: '192.0.2.7', targetId: users.bob.userId });
    expect(events[0].details).toMatchObject({ container_kind: 'project' });
  });
});

describe('reading the audit log', () => {
  beforeAll(async () => {
    await audit.record({
      action: 'sign_in.failed',
      actor: { username: 'mallory\0', clientAddress: '203.0.113.5' },
      reason: 'unknown_user',
    });
    await audit.record({
      action: 'sign_in.succeeded',
      actor: { userId: users.ada.userId, username: 'ada' },
      target: { type: 'user', id: users.ada.userId, name: 'ada' },
    });
    await audit.record({ action: 'secret.created', actor: users.ada, target: { type: 'secret', id: 'sec-1', name: 'git' } });
  });

  it('filters by action or action family, actor (name or id) and target (id or name)', async () => {
    expect((await list({ action: 'sign_in.failed' })).items.map((e) => e.actorName)).toEqual(['mallory']);
    expect((await list({ action: 'sign_in' })).items.map((e) => e.action).sort()).toEqual(['sign_in.failed', 'sign_in.succeeded']);
    expect((await list({ actor: users.ada.userId, action: 'sign_in' })).items.map((e) => e.action)).toEqual(['sign_in.succeeded']);
    expect((await list({ actor: 'ada', target: 'git' })).items.map((e) => e.action)).toEqual(['secret.created']);
    expect((await list({ target: 'sec-1' })).totalCount).toBe(1);
  });

  it('filters by time and pages newest first', async () => {
    const all = await list({});
    const newest = all.items[0].createdAt;
    // Times are compared at the millisecond the API shows: events recorded within the newest one's millisecond
    // match `since` too (a fresh run recorded two in one millisecond).
    const atOrAfter = all.items.filter((e) => e.createdAt.getTime() >= newest.getTime());
    expect((await list({ since: newest.toISOString() })).items.map((e) => e.id)).toEqual(atOrAfter.map((e) => e.id));
    expect(atOrAfter.length).toBeGreaterThan(0);
    expect((await list({ until: newest.toISOString() })).totalCount).toBe(all.totalCount - atOrAfter.length);
    const first = await list({}, 2);
    const second = await list({}, 2, first.nextStart);
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(all.items.slice(0, 4).map((e) => e.id));
  });

  it('refuses a bad filter with a 400 naming it', async () => {
    await expect(list({ action: 'sign_in.guessed' })).rejects.toMatchObject({ target: { type: 'field', name: 'action' } });
    await expect(list({ since: 'yesterday' })).rejects.toMatchObject({ target: { type: 'field', name: 'since' } });
    await expect(list({ until: '2026-02-31T00:00:00Z' })).rejects.toMatchObject({ target: { type: 'field', name: 'until' } });
    await expect(list({ actor: 'x'.repeat(300) })).rejects.toMatchObject({ target: { type: 'field', name: 'actor' } });
  });
});
