import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OLDEST_FIRST, PlatformError, isUniqueViolation, keysetPage, type Page, type PageRequest } from '@platform/common';
import type { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { apiKeyDigest, hashPassword, newApiKey, verifyPassword } from './credentials';
import { UserEntity, type PlatformRole } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private get users() {
    return this.db.getRepository(UserEntity);
  }
  private get apiKeys() {
    return this.db.getRepository(ApiKeyEntity);
  }

  async create(username: string, password: string, role: PlatformRole): Promise<UserEntity> {
    try {
      return await this.users.save(
        this.users.create({ username, passwordHash: await hashPassword(password), role, defaultProjectId: null }),
      );
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

  async authenticateWithPassword(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.findByUsername(username);
    return user && (await verifyPassword(user.passwordHash, password)) ? user : null;
  }

  /**
   * With a username the key must belong to that user (the CP4D flow); without one, the key alone names the user (IAM).
   * The key's id goes into the tokens it mints, so they stop working once the key is deleted.
   */
  async authenticateWithApiKey(apiKey: string, username?: string): Promise<{ user: UserEntity; apiKeyId: string } | null> {
    const key = await this.apiKeys.findOneBy({ keyDigest: apiKeyDigest(apiKey) });
    if (!key) return null;
    const user = await this.findById(key.userId);
    return user && (username === undefined || user.username === username) ? { user, apiKeyId: key.id } : null;
  }

  async createApiKey(userId: string, name: string, key = newApiKey()): Promise<{ entity: ApiKeyEntity; apiKey: string }> {
    const entity = await this.apiKeys.save(this.apiKeys.create({ userId, name, keyDigest: apiKeyDigest(key) }));
    return { entity, apiKey: key };
  }

  /** Oldest first, one page at a time. */
  listApiKeys(userId: string, page: PageRequest): Promise<Page<ApiKeyEntity>> {
    return keysetPage(this.apiKeys.createQueryBuilder('k').where('k.user_id = :userId', { userId }), OLDEST_FIRST('k'), page);
  }

  async deleteApiKey(userId: string, id: string): Promise<void> {
    const res = await this.apiKeys.delete({ id, userId });
    if (!res.affected) throw PlatformError.notFound(`API key ${id} was not found.`);
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
    if (!admin) admin = await this.create('admin', password, 'admin');
    else if (!(await verifyPassword(admin.passwordHash, password))) {
      await this.users.update({ id: admin.id }, { passwordHash: await hashPassword(password) });
    }
    if (!(await this.apiKeys.findOneBy({ keyDigest: apiKeyDigest(apiKey) }))) {
      await this.createApiKey(admin.id, 'bootstrap', apiKey);
    }
    return admin;
  }
}
