import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentTraceId } from '@platform/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity, type AuditDetail } from './audit-event.entity';

/** Every action the log knows, `<what>.<happened>`; `GET /v1/audit_events?action=sign_in` matches a whole family. */
export const AUDIT_ACTIONS = [
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_in.blocked',
  'user.created',
  'user.updated',
  'user.deleted',
  'api_key.created',
  'api_key.deleted',
  'member.added',
  'member.changed',
  'member.removed',
  'secret.created',
  'secret.updated',
  'secret.deleted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: a signed-in principal, a name that tried to sign in, or nobody (the platform itself, at start-up). */
export interface AuditActor {
  userId?: string;
  username?: string;
  clientAddress?: string;
}

export interface AuditRecord {
  action: AuditAction;
  actor: AuditActor | null;
  target?: { type: 'user' | 'api_key' | 'secret' | 'address'; id?: string; name?: string };
  /** Why a sign-in failed or was blocked. */
  reason?: string;
  /** Names, ids, roles: what an administrator needs to read the event. Never credentials. */
  details?: Record<string, AuditDetail>;
}

/** Text from requests (an attempted user name) is stored as data, but PostgreSQL text cannot hold NUL. */
const MAX_TEXT = 256;
const clean = (s: string | undefined): string | null => (s === undefined ? null : s.replace(/\0/g, '').slice(0, MAX_TEXT));

/**
 * The audit log of security-relevant actions, in the gateway's own schema. A change the gateway makes itself records
 * its event in the same transaction (pass its EntityManager), so neither exists without the other; a change made
 * by another service is recorded right after that service confirms it.
 */
@Injectable()
export class AuditLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(entry: AuditRecord, manager: EntityManager = this.db.manager): Promise<void> {
    const details = Object.fromEntries(
      Object.entries(entry.details ?? {}).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v] as const),
    );
    await manager.insert(AuditEventEntity, {
      action: entry.action,
      actorId: entry.actor?.userId ?? null,
      actorName: clean(entry.actor?.username),
      clientAddress: clean(entry.actor?.clientAddress),
      targetType: entry.target?.type ?? null,
      targetId: clean(entry.target?.id),
      targetName: clean(entry.target?.name),
      reason: clean(entry.reason),
      details,
      trace: currentTraceId() ?? null,
    });
  }
}
