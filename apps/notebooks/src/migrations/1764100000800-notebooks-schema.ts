import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NotebooksSchema1764100000800 implements MigrationInterface {
  name = 'NotebooksSchema1764100000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notebooks.notebooks (
        id uuid PRIMARY KEY,
        project_id uuid,
        space_id uuid,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        kernel jsonb,
        runtime jsonb,
        originates_from jsonb NOT NULL,
        owner_id text NOT NULL,
        content_key text NOT NULL,
        content_size int NOT NULL,
        revision int NOT NULL DEFAULT 1,
        last_rev_id int NOT NULL DEFAULT 0,
        reverted_to_version_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notebooks_one_container CHECK ((project_id IS NULL) <> (space_id IS NULL))
      )`);
    await q.query('CREATE INDEX notebooks_project_idx ON notebooks.notebooks (project_id, created_at, id)');
    await q.query('CREATE INDEX notebooks_space_idx ON notebooks.notebooks (space_id, created_at, id)');

    // Versions are immutable: a row is inserted once (rev_id from the notebook's last_rev_id, never reused) and deleted.
    await q.query(`
      CREATE TABLE notebooks.notebook_versions (
        id uuid PRIMARY KEY,
        notebook_id uuid NOT NULL REFERENCES notebooks.notebooks (id) ON DELETE CASCADE,
        rev_id int NOT NULL,
        content_key text NOT NULL,
        content_size int NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notebook_versions_rev_unique UNIQUE (notebook_id, rev_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notebooks.notebook_versions');
    await q.query('DROP TABLE notebooks.notebooks');
  }
}
