import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TrainingSchema1763900000400 implements MigrationInterface {
  name = 'TrainingSchema1763900000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE training.model_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags jsonb NOT NULL DEFAULT '[]',
        base_model text NOT NULL,
        data_id uuid NOT NULL,
        taxonomy_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'canceled', 'failed')),
        state text NOT NULL DEFAULT '' CHECK (state ~ '^[a-z]*$'),
        failure_reason text NOT NULL DEFAULT '',
        created_by text NOT NULL,
        executor text NOT NULL,
        hyperparameters jsonb NOT NULL,
        progress jsonb,
        checkpoints jsonb NOT NULL DEFAULT '[]',
        best_checkpoint jsonb,
        eval_metrics jsonb,
        tokens_estimated bigint NOT NULL DEFAULT 0,
        tokens_phase1 bigint NOT NULL DEFAULT 0,
        tokens_phase2 bigint NOT NULL DEFAULT 0,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        running_at timestamptz,
        completed_at timestamptz,
        modified_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX model_jobs_project_created_idx ON training.model_jobs (project_id, created_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE training.model_jobs');
  }
}
