import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tunings (watsonx fine tunings of other types than ilab, `/ml/v4/trainings` prompt tuning, Llama Stack
 * post-training) are rows of the same jobs table: a kind, a project or a space (exactly one), no SDG run, and their
 * settings, references and results in `tuning`. InstructLab rows keep what they had (kind instructlab, project and
 * data set).
 */
export class Tunings1763900000420 implements MigrationInterface {
  name = 'Tunings1763900000420';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE training.model_jobs
        ADD COLUMN kind text NOT NULL DEFAULT 'instructlab'
          CHECK (kind IN ('instructlab', 'fine_tuning', 'prompt_tuning', 'post_training')),
        ADD COLUMN space_id uuid,
        ADD COLUMN tuning jsonb,
        ALTER COLUMN project_id DROP NOT NULL,
        ALTER COLUMN data_id DROP NOT NULL,
        ADD CONSTRAINT model_jobs_one_container CHECK ((project_id IS NULL) <> (space_id IS NULL)),
        ADD CONSTRAINT model_jobs_instructlab_shape
          CHECK (kind <> 'instructlab' OR (project_id IS NOT NULL AND data_id IS NOT NULL)),
        ADD CONSTRAINT model_jobs_tuning_shape CHECK ((kind = 'instructlab') = (tuning IS NULL))`);
    await q.query(
      'CREATE INDEX model_jobs_space_created_idx ON training.model_jobs (space_id, created_at DESC, id DESC) WHERE space_id IS NOT NULL',
    );
    // A Llama Stack job_uuid names one post-training job per project (a second create with it is a conflict).
    await q.query(
      `CREATE UNIQUE INDEX model_jobs_project_job_uuid_idx ON training.model_jobs (project_id, (tuning->>'jobUuid'))
        WHERE kind = 'post_training'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM training.model_jobs WHERE kind <> 'instructlab'");
    await q.query('DROP INDEX training.model_jobs_project_job_uuid_idx');
    await q.query('DROP INDEX training.model_jobs_space_created_idx');
    await q.query(`
      ALTER TABLE training.model_jobs
        DROP CONSTRAINT model_jobs_tuning_shape,
        DROP CONSTRAINT model_jobs_instructlab_shape,
        DROP CONSTRAINT model_jobs_one_container,
        ALTER COLUMN data_id SET NOT NULL,
        ALTER COLUMN project_id SET NOT NULL,
        DROP COLUMN tuning,
        DROP COLUMN space_id,
        DROP COLUMN kind`);
  }
}
