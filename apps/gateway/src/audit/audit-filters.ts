import { PlatformError } from '@platform/common';
import type { SelectQueryBuilder } from 'typeorm';
import type { AuditEventEntity } from './audit-event.entity';
import { AUDIT_ACTIONS } from './audit-log';

/** The query of `GET /v1/audit_events`, as sent. */
export interface AuditQuery {
  action?: string;
  actor?: string;
  target?: string;
  since?: string;
  until?: string;
}

const FAMILIES = [...new Set(AUDIT_ACTIONS.map((a) => a.split('.')[0]))];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_FILTER = 256;

/** A real calendar day: Date.parse would read 2026-02-31 as 3 March. */
function isCalendarDay(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

function time(value: string | undefined, field: string): Date | undefined {
  if (!value) return undefined;
  if (!ISO_TIME.test(value) || !isCalendarDay(value.slice(0, 10)) || Number.isNaN(Date.parse(value)))
    throw PlatformError.invalid(`${field} must be an ISO 8601 date or date-time, e.g. 2026-01-31T12:00:00Z.`, field);
  return new Date(value);
}

function text(value: string | undefined, field: string): string | undefined {
  if (!value) return undefined;
  if (value.length > MAX_FILTER || value.includes('\0'))
    throw PlatformError.invalid(`${field} must be at most ${MAX_FILTER} characters, without NUL.`, field);
  return value;
}

function action(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!(AUDIT_ACTIONS as readonly string[]).includes(value) && !FAMILIES.includes(value))
    throw PlatformError.invalid(`action must be one of ${AUDIT_ACTIONS.join(', ')}, or a family: ${FAMILIES.join(', ')}.`, 'action');
  return value;
}

/** Checks every filter (a bad one is a 400 naming it) and narrows `qb` to the events they match. */
export function filterAuditEvents(qb: SelectQueryBuilder<AuditEventEntity>, q: AuditQuery): SelectQueryBuilder<AuditEventEntity> {
  const f = {
    action: action(q.action),
    actor: text(q.actor, 'actor'),
    target: text(q.target, 'target'),
    since: time(q.since, 'since'),
    until: time(q.until, 'until'),
  };
  if (f.action?.includes('.')) qb.andWhere('e.action = :action', { action: f.action });
  else if (f.action) qb.andWhere('e.action LIKE :family', { family: `${f.action}.%` });
  if (f.actor) qb.andWhere('(e.actor_name = :actor OR e.actor_id::text = :actor)', { actor: f.actor });
  if (f.target) qb.andWhere('(e.target_id = :target OR e.target_name = :target)', { target: f.target });
  if (f.since) qb.andWhere('e.created_at >= :since', { since: f.since });
  if (f.until) qb.andWhere('e.created_at < :until', { until: f.until });
  return qb;
}
