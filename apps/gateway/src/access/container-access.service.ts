import { Inject, Injectable } from '@nestjs/common';
import { PlatformError, requireContainerId } from '@platform/common';
import { GatewayConfig } from '../gateway.config';
import type { Principal } from '../auth/principal';
import type { ContainerEntity, ContainerKind } from '../identity/container.entity';
import type { MemberRole } from '../identity/membership.entity';
import { AccessDecisionCache } from './access-decision-cache';
import { ContainerRoleQuery } from './container-role-query';

const RANK: Record<MemberRole, number> = { viewer: 1, editor: 2, admin: 3 };

export interface ContainerAccess {
  container: ContainerEntity;
  role: MemberRole;
}

/**
 * The one place that decides who may touch a project or space: unknown ids are 404, non-members 403,
 * and a member whose role is below what the operation needs (viewers writing) 403. Platform admins act as admins.
 *
 * `require` reads the container and the membership from the database every time, in one query (ContainerRoleQuery),
 * for the management routes, which need the container itself. `check` answers the same question for the hot
 * inference routes, which only need the decision: a positive decision (the caller's role on an existing container)
 * is kept for PLATFORM_ACCESS_CACHE_MS (default 5000, 0 disables). Denials are never cached. This gateway forgets a
 * container's decisions as soon as it changes that container's members or deletes it (ContainersService calls
 * `forget`), so on one gateway a revoked member loses access at once; another gateway replica, which does not see the
 * change, may keep admitting that member to inference calls for at most PLATFORM_ACCESS_CACHE_MS after the change
 * committed.
 */
@Injectable()
export class ContainerAccessService {
  /** Grouped by container (so `forget` drops all its decisions), one member per kind and user. */
  private readonly cache: AccessDecisionCache<MemberRole>;

  constructor(
    private readonly query: ContainerRoleQuery,
    @Inject(GatewayConfig.token) config: Pick<GatewayConfig, 'accessCacheMs'>,
  ) {
    this.cache = new AccessDecisionCache(config.accessCacheMs);
  }

  async require(
    kind: ContainerKind,
    id: string,
    principal: Principal,
    minRole: MemberRole,
    param = `${kind}_id`,
  ): Promise<ContainerAccess> {
    requireContainerId(id, param);
    const epoch = this.cache.epoch;
    const found = await this.query.read(kind, id, principal.userId);
    if (!found) throw PlatformError.notFound(`The ${kind} ${id} was not found.`, `${kind}_not_found`);
    const { container } = found;
    const role = principal.role === 'admin' ? 'admin' : found.role;
    if (!role) throw PlatformError.forbidden(`You are not a member of ${kind} ${id}.`);
    this.cache.set(id, `${kind}:${principal.userId}`, role, epoch);
    if (RANK[role] < RANK[minRole])
      throw PlatformError.forbidden(`This operation needs the ${minRole} role on ${kind} ${id}; you are ${role}.`);
    return { container, role };
  }

  /** The caller's role on the container, with the same errors as `require`, from the short-lived decision cache when it can. */
  async check(kind: ContainerKind, id: string, principal: Principal, minRole: MemberRole, param = `${kind}_id`): Promise<MemberRole> {
    const cached = this.cache.get(id, `${kind}:${principal.userId}`);
    if (cached === undefined) return (await this.require(kind, id, principal, minRole, param)).role;
    if (RANK[cached] < RANK[minRole])
      throw PlatformError.forbidden(`This operation needs the ${minRole} role on ${kind} ${id}; you are ${cached}.`);
    return cached;
  }

  /** Drops every cached decision about this container; call it after its members changed or it was deleted. */
  forget(id: string): void {
    this.cache.forget(id);
  }
}
