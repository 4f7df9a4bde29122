import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EvaluationSchema1763900000500 implements MigrationInterface {
  name = 'EvaluationSchema1763900000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluation.evaluation_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id text NOT NULL,
        project_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('checkpoint', 'model')),
        status text NOT NULL CHECK (status IN ('running', 'evaluated', 'failed')),
        phase int NOT NULL,
        epoch int NOT NULL,
        object_prefix text NOT NULL,
        natural_key text NOT NULL,
        metrics jsonb,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT evaluation_runs_natural_key UNIQUE (natural_key)
      )`);
    await q.query('CREATE INDEX evaluation_runs_model_idx ON evaluation.evaluation_runs (project_id, model_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE evaluation.evaluation_runs');
  }
}
