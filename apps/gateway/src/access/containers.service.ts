import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OLDEST_FIRST, PlatformError, keysetPage, type Page, type PageRequest } from '@platform/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditLog, type AuditActor } from '../audit/audit-log';
import { recordMemberChanges } from '../audit/member-audit';
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
    private readonly audit: AuditLog,
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

  members(containerId: string): Promise<MemberView[]> {
    return membersOf(this.db, containerId);
  }

  /**
   * Adds or changes members by user name; unknown user names are refused before anything is written, and with
   * `existingOnly` (PATCH) so are users who are not members yet. `actor` (who asked) goes to the audit log.
   */
  upsertMembers(
    containerId: string,
    members: { username: string; role: MemberRole }[],
    opts: { existingOnly?: boolean; actor?: AuditActor } = {},
  ): Promise<MemberView[]> {
    return this.changeMembers(containerId, 'members.role', opts.actor, async (m, current, kind) => {
      const set: MemberView[] = [];
      for (const member of members) {
        if (opts.existingOnly && ![...current.values()].some((v) => v.username === member.username))
          throw PlatformError.notFound(`${member.username} is not a member of ${kind} ${containerId}.`, 'member_not_found');
        const user = await m.getRepository(UserEntity).findOneBy({ username: member.username });
        if (!user) throw PlatformError.invalid(`User "${member.username}" does not exist.`, 'members.user_name');
        set.push({ userId: user.id, username: user.username, role: member.role });
      }
      return { set, remove: [] };
    });
  }

  /** Removes members by user name (all named must be members). */
  async removeMembers(containerId: string, usernames: string[], actor?: AuditActor): Promise<void> {
    await this.changeMembers(containerId, 'user_names', actor, async (_m, current) => {
      const remove = [...current.values()].filter((x) => usernames.includes(x.username));
      const missing = usernames.filter((u) => !remove.some((x) => x.username === u));
      if (missing.length) throw PlatformError.notFound(`Not members: ${missing.join(', ')}.`, 'member_not_found');
      return { set: [], remove };
    });
  }

  /**
   * Every membership change runs here, in one transaction that first locks the container's row: concurrent changes
   * of one container run one after the other, each deciding on the members the previous one left, so two requests
   * demoting the container's two admins cannot both pass. A change that would leave the container with no admin is
   * refused with 409 before anything is written (a container that somehow has none already is not blocked).
   */
  private async changeMembers(
    containerId: string,
    target: string,
    actor: AuditActor | undefined,
    decide: (
      m: EntityManager,
      current: ReadonlyMap<string, MemberView>,
      kind: ContainerKind,
    ) => Promise<{ set: MemberView[]; remove: MemberView[] }>,
  ): Promise<MemberView[]> {
    try {
      return await this.db.transaction(async (m) => {
        const container = await m
          .getRepository(ContainerEntity)
          .createQueryBuilder('c')
          .setLock('pessimistic_write')
          .where('c.id = :containerId', { containerId })
          .getOne();
        if (!container) throw PlatformError.notFound(`The project or space ${containerId} was not found.`);
        const current = new Map((await membersOf(m, containerId)).map((v) => [v.userId, v]));
        const { set, remove } = await decide(m, current, container.kind);
        const after = new Map(current);
        for (const v of set) after.set(v.userId, v);
        for (const v of remove) after.delete(v.userId);
        if (adminCount(current) > 0 && adminCount(after) === 0) {
          throw PlatformError.conflict(
            `The ${container.kind} ${containerId} must keep at least one admin member; make another member admin first.`,
            target,
          );
        }
        const memberships = m.getRepository(MembershipEntity);
        for (const v of set) await memberships.upsert({ containerId, userId: v.userId, role: v.role }, ['containerId', 'userId']);
        for (const v of remove) await memberships.delete({ containerId, userId: v.userId });
        await recordMemberChanges(this.audit, m, container, current, { set, remove }, actor ?? null);
        return set;
      });
    } finally {
      this.access.forget(containerId);
    }
  }
}

const adminCount = (members: ReadonlyMap<string, MemberView>) => [...members.values()].filter((v) => v.role === 'admin').length;

function membersOf(m: EntityManager | DataSource, containerId: string): Promise<MemberView[]> {
  return m
    .getRepository(MembershipEntity)
    .createQueryBuilder('m')
    .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
    .select(['m.user_id AS "userId"', 'u.username AS "username"', 'm.role AS "role"'])
    .where('m.container_id = :containerId', { containerId })
    .orderBy('u.username')
    .getRawMany<MemberView>();
}
