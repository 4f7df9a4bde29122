import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: who did what to whom, when, from where. No foreign keys: an event outlives the user, key, member
 * or secret it names.
 */
export class AuditEvents1763900000020 implements MigrationInterface {
  name = 'AuditEvents1763900000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity.audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        action text NOT NULL,
        actor_id uuid,
        actor_name text,
        client_address text,
        target_type text,
        target_id text,
        target_name text,
        reason text,
        details jsonb NOT NULL DEFAULT '{}',
        trace text
      )`);
    await q.query(`CREATE INDEX audit_events_time_idx ON identity.audit_events (created_at, id)`);
    await q.query(`CREATE INDEX audit_events_action_idx ON identity.audit_events (action, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE identity.audit_events');
  }
}
