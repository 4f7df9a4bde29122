import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentitySchema1763900000000 implements MigrationInterface {
  name = 'IdentitySchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'user')),
        default_project_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE identity.api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES identity.users(id) ON DELETE CASCADE,
        name text NOT NULL,
        key_digest text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE identity.containers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('project', 'space')),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags jsonb NOT NULL DEFAULT '[]',
        extra jsonb NOT NULL DEFAULT '{}',
        creator_id uuid NOT NULL REFERENCES identity.users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX containers_kind_idx ON identity.containers (kind, created_at)`);
    await q.query(`
      CREATE TABLE identity.memberships (
        container_id uuid NOT NULL REFERENCES identity.containers(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES identity.users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (container_id, user_id)
      )`);
    await q.query(`CREATE INDEX memberships_user_idx ON identity.memberships (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE identity.memberships');
    await q.query('DROP TABLE identity.containers');
    await q.query('DROP TABLE identity.api_keys');
    await q.query('DROP TABLE identity.users');
  }
}
