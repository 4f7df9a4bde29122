import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Secrets1763900000300 implements MigrationInterface {
  name = 'Secrets1763900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE taxonomy.secrets (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        name text NOT NULL,
        secret_type text NOT NULL CHECK (secret_type IN ('username_password', 'arbitrary')),
        description text NOT NULL DEFAULT '',
        value_iv bytea NOT NULL,
        value_tag bytea NOT NULL,
        value_ciphertext bytea NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT secrets_project_name_key UNIQUE (project_id, name)
      )`);
    await q.query('CREATE INDEX secrets_project_created_idx ON taxonomy.secrets (project_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE taxonomy.secrets');
  }
}
