import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TextExtractions1765100000100 implements MigrationInterface {
  name = 'TextExtractions1765100000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents.text_extractions (
        id uuid PRIMARY KEY,
        project_id uuid,
        space_id uuid,
        name text NOT NULL DEFAULT '',
        created_by text NOT NULL DEFAULT '',
        request jsonb NOT NULL,
        document_key text NOT NULL,
        results_key text NOT NULL,
        settings jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'canceled')),
        state text NOT NULL CHECK (state IN ('submitted', 'uploading', 'running', 'downloading', 'downloaded', 'completed', 'failed')),
        pages_processed int NOT NULL DEFAULT 0,
        total_pages int NOT NULL DEFAULT 0,
        error_code text NOT NULL DEFAULT '',
        failure_reason text NOT NULL DEFAULT '',
        written_keys jsonb NOT NULL DEFAULT '[]',
        locations jsonb NOT NULL DEFAULT '[]',
        attempts int NOT NULL DEFAULT 0,
        lease_owner text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        running_at timestamptz,
        completed_at timestamptz,
        CONSTRAINT text_extractions_one_container CHECK ((project_id IS NULL) <> (space_id IS NULL))
      )`);
    await q.query('CREATE INDEX text_extractions_project_idx ON documents.text_extractions (project_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX text_extractions_space_idx ON documents.text_extractions (space_id, created_at DESC, id DESC)');
    // The retention sweep walks the oldest rows first.
    await q.query('CREATE INDEX text_extractions_created_idx ON documents.text_extractions (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE documents.text_extractions');
  }
}
