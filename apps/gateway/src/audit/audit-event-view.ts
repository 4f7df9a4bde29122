import type { AuditEventEntity } from './audit-event.entity';

/** One event as `GET /v1/audit_events` lists it. */
export const auditEventView = (e: AuditEventEntity) => ({
  id: e.id,
  created_at: e.createdAt.toISOString(),
  action: e.action,
  actor: { id: e.actorId, name: e.actorName, address: e.clientAddress },
  target: e.targetType ? { type: e.targetType, id: e.targetId, name: e.targetName } : null,
  reason: e.reason,
  details: e.details,
  trace: e.trace,
});
