import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Llama Stack datasets (`/datasets/*`): one row per project and caller-chosen id; the rows themselves live in the
 * bucket at `object_key`, written before this row is committed.
 */
export class Datasets1763900000430 implements MigrationInterface {
  name = 'Datasets1763900000430';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE training.datasets (
        project_id uuid NOT NULL,
        id text NOT NULL CHECK (char_length(id) BETWEEN 1 AND 128),
        columns jsonb NOT NULL,
        content_url text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        row_count bigint NOT NULL CHECK (row_count >= 0),
        object_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        PRIMARY KEY (project_id, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE training.datasets');
  }
}
