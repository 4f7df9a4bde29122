import type { EntityManager } from 'typeorm';
import type { ContainerEntity } from '../identity/container.entity';
import type { MemberRole } from '../identity/membership.entity';
import type { AuditActor, AuditLog } from './audit-log';

interface Member {
  userId: string;
  username: string;
  role: MemberRole;
}

/**
 * One audit event per member a membership change added, re-roled or removed (a member set to the role she already
 * has is no change), written with the change in its transaction `m`.
 */
export async function recordMemberChanges(
  audit: AuditLog,
  m: EntityManager,
  container: Pick<ContainerEntity, 'id' | 'kind'>,
  before: ReadonlyMap<string, Member>,
  change: { set: readonly Member[]; remove: readonly Member[] },
  actor: AuditActor | null,
): Promise<void> {
  const where = { container_kind: container.kind, container_id: container.id };
  const target = (v: Member) => ({ type: 'user' as const, id: v.userId, name: v.username });
  for (const v of change.set) {
    const previous = before.get(v.userId);
    if (previous?.role === v.role) continue;
    await audit.record(
      previous
        ? { action: 'member.changed', actor, target: target(v), details: { ...where, role: v.role, previous_role: previous.role } }
        : { action: 'member.added', actor, target: target(v), details: { ...where, role: v.role } },
      m,
    );
  }
  for (const v of change.remove) {
    await audit.record({ action: 'member.removed', actor, target: target(v), details: { ...where, previous_role: v.role } }, m);
  }
}
