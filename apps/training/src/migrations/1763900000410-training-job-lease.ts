import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The job runner's lease (see @platform/jobs): which worker runs the job, and until when without a heartbeat. */
export class TrainingJobLease1763900000410 implements MigrationInterface {
  name = 'TrainingJobLease1763900000410';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE training.model_jobs ADD COLUMN lease_owner text, ADD COLUMN lease_expires_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE training.model_jobs DROP COLUMN lease_owner, DROP COLUMN lease_expires_at');
  }
}
