import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  NEWEST_FIRST,
  PlatformError,
  isIssuedId,
  isUniqueViolation,
  keysetPage,
  requireContainerId,
  requireInstructlabId,
  type Page,
  type PageRequest,
} from '@platform/common';
import type { DataSource } from 'typeorm';
import type { BoundCredential } from '../documents';
import { SecretEntity } from './secret.entity';
import { checkNewSecret, type NewSecret, type SecretValue } from './secret-input';
import type { SecretCipher } from './secret-cipher';

export const SECRET_CIPHER = 'SECRET_CIPHER';

/**
 * Project-scoped secrets with write-only values: they are sealed on create and only ever opened inside this
 * service, to hand a credential to a git fetch. Nothing here logs or returns a value.
 */
@Injectable()
export class SecretsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
  ) {}

  private get repo() {
    return this.db.getRepository(SecretEntity);
  }

  async create(input: NewSecret): Promise<SecretEntity> {
    requireContainerId(input.projectId);
    const { type, value, allowedUrls } = checkNewSecret(input);
    const id = randomUUID();
    const sealed = this.cipher.seal(JSON.stringify(value), context(id, input.projectId, allowedUrls));
    try {
      return await this.repo.save(
        this.repo.create({
          id,
          projectId: input.projectId,
          name: input.name,
          secretType: type,
          description: input.description,
          valueIv: sealed.iv,
          valueTag: sealed.tag,
          valueCiphertext: sealed.ciphertext,
          allowedUrls,
          createdBy: input.createdBy,
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw PlatformError.conflict(`A secret named "${input.name}" already exists in this project.`, 'name');
      throw err;
    }
  }

  async get(projectId: string, id: string): Promise<SecretEntity> {
    requireContainerId(projectId);
    requireInstructlabId(id, 'secret');
    const row = isIssuedId(id) ? await this.repo.findOneBy({ projectId, id }) : null;
    if (!row) throw PlatformError.notFound(`Secret ${id} was not found in project ${projectId}.`, 'secret_not_found');
    return row;
  }

  /** Newest first, one page at a time. */
  list(projectId: string, page: PageRequest): Promise<Page<SecretEntity>> {
    requireContainerId(projectId);
    return keysetPage(this.repo.createQueryBuilder('s').where('s.project_id = :projectId', { projectId }), NEWEST_FIRST('s'), page);
  }

  async delete(projectId: string, id: string): Promise<void> {
    const row = await this.get(projectId, id);
    await this.repo.delete({ id: row.id, projectId });
  }

  /**
   * The credential a taxonomy's `secrets_manager_config.git_id` names, with where it may be sent, for a fetch of
   * that taxonomy's documents. An unknown id, or one of another project, is the taxonomy's mistake: a 400, not a 404.
   */
  async gitCredential(projectId: string, gitId: string): Promise<BoundCredential> {
    const row = isIssuedId(gitId) ? await this.repo.findOneBy({ projectId, id: gitId }) : null;
    if (!row)
      throw PlatformError.invalid(
        `secrets_manager_config.git_id "${gitId.slice(0, 64)}" names no secret of this project.`,
        'secrets_manager_config.git_id',
      );
    const value = JSON.parse(
      this.cipher.open(
        { iv: row.valueIv, tag: row.valueTag, ciphertext: row.valueCiphertext },
        context(row.id, row.projectId, row.allowedUrls),
      ),
    ) as SecretValue;
    return {
      value:
        'payload' in value
          ? { kind: 'arbitrary', payload: value.payload }
          : { kind: 'username_password', username: value.username, password: value.password },
      allowedUrls: row.allowedUrls,
    };
  }
}

/**
 * The additional data a value is sealed with: its row, and where it may be sent, so a binding widened by writing
 * the column directly makes the value fail to open instead of sending it further. (Secrets from before bindings
 * have none and keep their old context; they are never sent.)
 */
function context(id: string, projectId: string, allowedUrls: readonly string[]): string {
  return allowedUrls.length === 0 ? `${id}/${projectId}` : `${id}/${projectId}/${JSON.stringify(allowedUrls)}`;
}
