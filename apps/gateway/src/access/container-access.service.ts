import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError } from '@platform/common';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ContainerEntity, type ContainerKind } from '../identity/container.entity';
import { MembershipEntity, type MemberRole } from '../identity/membership.entity';

const RANK: Record<MemberRole, number> = { viewer: 1, editor: 2, admin: 3 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ContainerAccess {
  container: ContainerEntity;
  role: MemberRole;
}

/**
 * The one place that decides who may touch a project or space: unknown ids are 404, non-members 403,
 * and a member whose role is below what the operation needs (viewers writing) 403. Platform admins act as admins.
 */
@Injectable()
export class ContainerAccessService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async require(kind: ContainerKind, id: string, principal: Principal, minRole: MemberRole, param = `${kind}_id`): Promise<ContainerAccess> {
    if (!UUID.test(id)) throw PlatformError.invalid(`${param} must be a lowercase UUID.`, param);
    const container = await this.db.getRepository(ContainerEntity).findOneBy({ id, kind });
    if (!container) throw PlatformError.notFound(`The ${kind} ${id} was not found.`, `${kind}_not_found`);
    const role = principal.role === 'admin' ? 'admin' : (await this.db.getRepository(MembershipEntity).findOneBy({ containerId: id, userId: principal.userId }))?.role;
    if (!role) throw PlatformError.forbidden(`You are not a member of ${kind} ${id}.`);
    if (RANK[role] < RANK[minRole]) throw PlatformError.forbidden(`This operation needs the ${minRole} role on ${kind} ${id}; you are ${role}.`);
    return { container, role };
  }
}
