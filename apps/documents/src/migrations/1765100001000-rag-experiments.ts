import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RagExperiments1765100001000 implements MigrationInterface {
  name = 'RagExperiments1765100001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents.rag_experiments (
        id uuid PRIMARY KEY,
        project_id uuid,
        space_id uuid,
        name text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        tags jsonb NOT NULL DEFAULT '[]',
        created_by text NOT NULL DEFAULT '',
        request jsonb NOT NULL,
        parameters jsonb NOT NULL,
        documents jsonb NOT NULL,
        questions jsonb NOT NULL,
        results_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'canceled')),
        state text NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed', 'canceled')),
        step text NOT NULL DEFAULT '',
        message_level text NOT NULL DEFAULT 'info',
        message_text text NOT NULL DEFAULT '',
        failure_code text NOT NULL DEFAULT '',
        failure_reason text NOT NULL DEFAULT '',
        results jsonb NOT NULL DEFAULT '[]',
        written_keys jsonb NOT NULL DEFAULT '[]',
        indexes jsonb NOT NULL DEFAULT '[]',
        attempts int NOT NULL DEFAULT 0,
        lease_owner text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        running_at timestamptz,
        completed_at timestamptz,
        CONSTRAINT rag_experiments_one_container CHECK ((project_id IS NULL) <> (space_id IS NULL))
      )`);
    await q.query('CREATE INDEX rag_experiments_project_idx ON documents.rag_experiments (project_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX rag_experiments_space_idx ON documents.rag_experiments (space_id, created_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE documents.rag_experiments');
  }
}
