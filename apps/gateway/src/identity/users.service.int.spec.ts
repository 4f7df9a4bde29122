import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@platform/test-fixtures';
import { identityTestDataSource } from '../testing/identity-test-database';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../audit/audit-log';
import { UsersService } from './users.service';

let db: DataSource;
let users: UsersService;
const ADMIN = { userId: '00000000-0000-4000-8000-000000000001', username: 'root', clientAddress: '192.0.2.1' };

beforeAll(async () => {
  db = await identityTestDataSource(await createTestDatabase('users'));
  users = new UsersService(db, new AuditLog(db));
  await users.create('known', 'the-right-password', 'user', ADMIN);
});

afterAll(async () => db?.destroy());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('sign-in by password does not tell which user names exist', () => {
  it('verifies a password hash for an unknown name too, once, as for a wrong password', async () => {
    const verify = vi.spyOn(users.passwords, 'verify');
    expect(await users.authenticateWithPassword('nobody-by-this-name', 'a-guess')).toEqual({ user: null, reason: 'unknown_user' });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(await users.authenticateWithPassword('known', 'a-guess')).toEqual({ user: null, reason: 'wrong_password' });
    expect(verify).toHaveBeenCalledTimes(2);
    // The hash an unknown name is checked against has real Argon2id parameters, like a stored one.
    const stored = (await users.findByUsername('known'))!.passwordHash;
    const params = (h: string) => h.split('$').slice(1, 4).join('$');
    expect(params(String(verify.mock.calls[0][0]))).toBe(params(stored));
    verify.mockRestore();
    expect((await users.authenticateWithPassword('known', 'the-right-password')).user?.username).toBe('known');
  });

  it('takes about as long for an unknown name as for a wrong password (medians, generous margin)', async () => {
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 9; i++) {
      unknown.push(await timed(() => users.authenticateWithPassword(`ghost-${i}`, 'a-guess')));
      wrong.push(await timed(() => users.authenticateWithPassword('known', 'a-guess')));
    }
    // Before the dummy hash an unknown name answered in a fifth of the time.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.6);
  });
});

describe('user and API key changes are audited in their own transaction', () => {
  const events = (action: string) => db.getRepository(AuditEventEntity).findBy({ action });

  it('records the creation of a user and of a key, and the deletion of the key, without secrets', async () => {
    const user = await users.create('audited', 'a-long-password', 'user', ADMIN);
    const { entity, apiKey } = await users.createApiKey(user.id, 'ci', { userId: user.id, username: 'audited' });
    await users.deleteApiKey(user.id, entity.id, { userId: user.id, username: 'audited' });
    const created = (await events('user.created')).find((e) => e.targetId === user.id);
    expect(created).toMatchObject({ actorName: 'root', clientAddress: '192.0.2.1', targetName: 'audited', details: { role: 'user' } });
    expect((await events('api_key.created')).find((e) => e.targetId === entity.id)).toMatchObject({
      actorName: 'audited',
      targetName: 'ci',
    });
    expect((await events('api_key.deleted')).find((e) => e.targetId === entity.id)).toMatchObject({ actorId: user.id, targetName: 'ci' });
    const everything = JSON.stringify(await db.getRepository(AuditEventEntity).find());
    expect(everything).not.toContain('a-long-password');
    expect(everything).not.toContain(apiKey);
  });

  it('writes no change whose audit event cannot be written', async () => {
    // An actor id that is not a uuid makes the audit insert fail inside the transaction.
    await expect(users.create('half-written', 'a-long-password', 'user', { userId: 'not-a-uuid', username: 'x' })).rejects.toThrow();
    expect(await users.findByUsername('half-written')).toBeNull();
  });
});
