import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OLDEST_FIRST, PlatformError, keysetPage, type Page, type PageRequest } from '@platform/common';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ContainerEntity, type ContainerKind } from '../identity/container.entity';
import { MembershipEntity, type MemberRole } from '../identity/membership.entity';
import { UserEntity } from '../identity/user.entity';
import { ContainerAccessService } from './container-access.service';

export interface NewContainer {
  name: string;
  description?: string;
  tags?: string[];
  extra?: Record<string, unknown>;
}

export interface MemberView {
  userId: string;
  username: string;
  role: MemberRole;
}

/**
 * Projects and spaces: lifecycle and membership. Authorization is checked by the caller through ContainerAccessService,
 * whose cached decisions about a container are dropped here whenever its members change or it is deleted.
 */
@Injectable()
export class ContainersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ContainerAccessService,
  ) {}

  /** The creator becomes the container's admin in the same transaction, so no container is ever ownerless. */
  create(kind: ContainerKind, input: NewContainer, principal: Principal): Promise<ContainerEntity> {
    return this.db.transaction(async (m) => {
      const container = await m.getRepository(ContainerEntity).save(
        m.getRepository(ContainerEntity).create({
          kind,
          name: input.name,
          description: input.description ?? '',
          tags: input.tags ?? [],
          extra: input.extra ?? {},
          creatorId: principal.userId,
        }),
      );
      await m.getRepository(MembershipEntity).insert({ containerId: container.id, userId: principal.userId, role: 'admin' });
      return container;
    });
  }

  /** Oldest first, one page at a time: every container for a platform admin, else those the caller is a member of. */
  list(kind: ContainerKind, principal: Principal, page: PageRequest, name?: string): Promise<Page<ContainerEntity>> {
    const qb = this.db.getRepository(ContainerEntity).createQueryBuilder('c').where('c.kind = :kind', { kind });
    if (principal.role !== 'admin') {
      qb.innerJoin(MembershipEntity, 'm', 'm.container_id = c.id AND m.user_id = :userId', { userId: principal.userId });
    }
    if (name) qb.andWhere('c.name = :name', { name });
    return keysetPage(qb, OLDEST_FIRST('c'), page);
  }

  async update(
    container: ContainerEntity,
    patch: Partial<Pick<ContainerEntity, 'name' | 'description' | 'tags' | 'extra'>>,
  ): Promise<ContainerEntity> {
    Object.assign(container, patch);
    return this.db.getRepository(ContainerEntity).save(container);
  }

  async delete(container: ContainerEntity): Promise<void> {
    try {
      await this.db.getRepository(ContainerEntity).delete({ id: container.id });
    } finally {
      this.access.forget(container.id);
    }
  }

  async members(containerId: string): Promise<MemberView[]> {
    const rows = await this.db
      .getRepository(MembershipEntity)
      .createQueryBuilder('m')
      .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
      .select(['m.user_id AS "userId"', 'u.username AS "username"', 'm.role AS "role"'])
      .where('m.container_id = :containerId', { containerId })
      .orderBy('u.username')
      .getRawMany<MemberView>();
    return rows;
  }

  /** Adds or changes members by user name; unknown user names are refused before anything is written. */
  async upsertMembers(containerId: string, members: { username: string; role: MemberRole }[]): Promise<MemberView[]> {
    try {
      return await this.upsertMembersTx(containerId, members);
    } finally {
      this.access.forget(containerId);
    }
  }

  private upsertMembersTx(containerId: string, members: { username: string; role: MemberRole }[]): Promise<MemberView[]> {
    return this.db.transaction(async (m) => {
      const out: MemberView[] = [];
      for (const member of members) {
        const user = await m.getRepository(UserEntity).findOneBy({ username: member.username });
        if (!user) throw PlatformError.invalid(`User "${member.username}" does not exist.`, 'members.user_name');
        await m.getRepository(MembershipEntity).upsert({ containerId, userId: user.id, role: member.role }, ['containerId', 'userId']);
        out.push({ userId: user.id, username: user.username, role: member.role });
      }
      return out;
    });
  }

  /** Refuses to remove or demote the last admin, which would leave the container unmanageable. */
  async removeMembers(containerId: string, usernames: string[]): Promise<void> {
    try {
      await this.removeMembersTx(containerId, usernames);
    } finally {
      this.access.forget(containerId);
    }
  }

  private async removeMembersTx(containerId: string, usernames: string[]): Promise<void> {
    await this.db.transaction(async (m) => {
      const all = await m
        .getRepository(MembershipEntity)
        .createQueryBuilder('m')
        .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
        .select(['m.user_id AS "userId"', 'u.username AS "username"', 'm.role AS "role"'])
        .where('m.container_id = :containerId', { containerId })
        .setLock('pessimistic_write', undefined, ['m'])
        .getRawMany<MemberView>();
      const removing = all.filter((x) => usernames.includes(x.username));
      const missing = usernames.filter((u) => !all.some((x) => x.username === u));
      if (missing.length) throw PlatformError.notFound(`Not members: ${missing.join(', ')}.`, 'member_not_found');
      if (all.filter((x) => x.role === 'admin').every((x) => removing.includes(x))) {
        throw PlatformError.invalid('A project or space must keep at least one admin member.', 'user_names');
      }
      for (const r of removing) await m.getRepository(MembershipEntity).delete({ containerId, userId: r.userId });
    });
  }

  async demotionWouldOrphan(containerId: string, username: string, role: MemberRole): Promise<boolean> {
    if (role === 'admin') return false;
    const all = await this.members(containerId);
    const admins = all.filter((x) => x.role === 'admin');
    return admins.length === 1 && admins[0].username === username;
  }
}
