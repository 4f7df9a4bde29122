import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OLDEST_FIRST, PlatformError, isUniqueViolation, keysetPage, type Page, type PageRequest } from '@platform/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditLog, type AuditActor } from '../audit/audit-log';
import { ApiKeyEntity } from './api-key.entity';
import { apiKeyDigest, dummyPasswordHash, hashPassword, newApiKey, verifyPassword } from './credentials';
import { UserEntity, type PlatformRole } from './user.entity';

/** Why credentials were refused: for the audit log only, never for the caller (who always reads one message). */
export type SignInFailure = 'unknown_user' | 'wrong_password' | 'unknown_api_key' | 'api_key_of_another_user';

export type SignInResult = { user: UserEntity; apiKeyId?: string } | { user: null; reason: SignInFailure };

/**
 * Users and their API keys. Every change is written with its audit event in one transaction; `actor` is who made it
 * (null: the platform itself, e.g. the admin bootstrap).
 */
@Injectable()
export class UsersService implements OnModuleInit {
  /** The password functions sign-ins use, on the instance so a test can count the verifications. */
  readonly passwords = { hash: hashPassword, verify: verifyPassword, dummyHash: dummyPasswordHash };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditLog,
  ) {}

  onModuleInit(): void {
    // Made before the first sign-in of an unknown name, which would otherwise pay for making it.
    void this.passwords.dummyHash();
  }

  private get users() {
    return this.db.getRepository(UserEntity);
  }
  private get apiKeys() {
    return this.db.getRepository(ApiKeyEntity);
  }

  async create(username: string, password: string, role: PlatformRole, actor: AuditActor | null): Promise<UserEntity> {
    const passwordHash = await this.passwords.hash(password);
    try {
      return await this.db.transaction(async (m) => {
        const user = await m
          .getRepository(UserEntity)
          .save(m.getRepository(UserEntity).create({ username, passwordHash, role, defaultProjectId: null }));
        await this.audit.record(
          { action: 'user.created', actor, target: { type: 'user', id: user.id, name: username }, details: { role } },
          m,
        );
        return user;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw PlatformError.conflict(`User "${username}" already exists.`, 'username');
      throw err;
    }
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }

  /** An unknown name is verified against a dummy hash, so it takes as long as a known name's wrong password. */
  async authenticateWithPassword(username: string, password: string): Promise<SignInResult> {
    const user = await this.findByUsername(username);
    const matches = await this.passwords.verify(user?.passwordHash ?? (await this.passwords.dummyHash()), password);
    if (!user) return { user: null, reason: 'unknown_user' };
    return matches ? { user } : { user: null, reason: 'wrong_password' };
  }

  /**
   * With a username the key must belong to that user (the CP4D flow); without one, the key alone names the user (IAM).
   * The key's id goes into the tokens it mints, so they stop working once the key is deleted. Keys are looked up by
   * their SHA-256 digest (no slow hash to equalise: a known and an unknown key cost the same index lookup).
   */
  async authenticateWithApiKey(apiKey: string, username?: string): Promise<SignInResult> {
    const key = await this.apiKeys.findOneBy({ keyDigest: apiKeyDigest(apiKey) });
    const user = key ? await this.findById(key.userId) : null;
    if (!key || !user) return { user: null, reason: 'unknown_api_key' };
    if (username !== undefined && user.username !== username) return { user: null, reason: 'api_key_of_another_user' };
    return { user, apiKeyId: key.id };
  }

  async createApiKey(
    userId: string,
    name: string,
    actor: AuditActor | null,
    key = newApiKey(),
  ): Promise<{ entity: ApiKeyEntity; apiKey: string }> {
    const entity = await this.db.transaction((m) => this.insertApiKey(m, userId, name, actor, key));
    return { entity, apiKey: key };
  }

  private async insertApiKey(m: EntityManager, userId: string, name: string, actor: AuditActor | null, key: string): Promise<ApiKeyEntity> {
    const entity = await m
      .getRepository(ApiKeyEntity)
      .save(m.getRepository(ApiKeyEntity).create({ userId, name, keyDigest: apiKeyDigest(key) }));
    await this.audit.record(
      { action: 'api_key.created', actor, target: { type: 'api_key', id: entity.id, name }, details: { owner_id: userId } },
      m,
    );
    return entity;
  }

  /** Oldest first, one page at a time. */
  listApiKeys(userId: string, page: PageRequest): Promise<Page<ApiKeyEntity>> {
    return keysetPage(this.apiKeys.createQueryBuilder('k').where('k.user_id = :userId', { userId }), OLDEST_FIRST('k'), page);
  }

  async deleteApiKey(userId: string, id: string, actor: AuditActor | null): Promise<void> {
    await this.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .delete()
        .from(ApiKeyEntity)
        .where('id = :id AND user_id = :userId', { id, userId })
        .returning(['name'])
        .execute();
      const deleted = (res.raw as { name: string }[])[0];
      if (!deleted) throw PlatformError.notFound(`API key ${id} was not found.`);
      await this.audit.record(
        { action: 'api_key.deleted', actor, target: { type: 'api_key', id, name: deleted.name }, details: { owner_id: userId } },
        m,
      );
    });
  }

  async setDefaultProjectIfUnset(userId: string, projectId: string): Promise<void> {
    await this.users
      .createQueryBuilder()
      .update()
      .set({ defaultProjectId: projectId })
      .where('id = :userId AND default_project_id IS NULL', { userId })
      .execute();
  }

  /** The operator's configured admin password and API key always win over what is stored. */
  async ensureAdmin(password: string, apiKey: string): Promise<UserEntity> {
    let admin = await this.findByUsername('admin');
    if (!admin) admin = await this.create('admin', password, 'admin', null);
    else if (!(await this.passwords.verify(admin.passwordHash, password))) {
      const passwordHash = await this.passwords.hash(password);
      const { id } = admin;
      await this.db.transaction(async (m) => {
        await m.getRepository(UserEntity).update({ id }, { passwordHash });
        const target = { type: 'user' as const, id, name: 'admin' };
        await this.audit.record(
          { action: 'user.updated', actor: null, target, details: { changed: 'password', source: 'PLATFORM_ADMIN_PASSWORD' } },
          m,
        );
      });
    }
    if (!(await this.apiKeys.findOneBy({ keyDigest: apiKeyDigest(apiKey) }))) {
      await this.createApiKey(admin.id, 'bootstrap', null, apiKey);
    }
    return admin;
  }
}
