import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SdgSchema1763900000300 implements MigrationInterface {
  name = 'SdgSchema1763900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sdg.data_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL,
        name text NOT NULL,
        taxonomy_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'canceled')),
        state text NOT NULL DEFAULT '' CHECK (state ~ '^[a-z]*$'),
        teacher_model text NOT NULL,
        judge_model text NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        samples jsonb NOT NULL DEFAULT '{}',
        tokens jsonb,
        progress jsonb,
        failure_reason text,
        lease_owner text,
        lease_expires_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        CONSTRAINT data_jobs_project_name_key UNIQUE (project_id, name)
      )`);
    await q.query('CREATE INDEX data_jobs_project_created_idx ON sdg.data_jobs (project_id, created_at)');
    // One row per finished batch: the primary key is what makes a resumed or duplicated run unable to add a batch twice.
    await q.query(`
      CREATE TABLE sdg.checkpoints (
        job_id uuid NOT NULL REFERENCES sdg.data_jobs (id) ON DELETE CASCADE,
        leaf_path text NOT NULL,
        batch_index int NOT NULL CHECK (batch_index >= 0),
        rows jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, leaf_path, batch_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sdg.checkpoints');
    await q.query('DROP TABLE sdg.data_jobs');
  }
}
