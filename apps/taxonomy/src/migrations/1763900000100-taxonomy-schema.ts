import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TaxonomySchema1763900000100 implements MigrationInterface {
  name = 'TaxonomySchema1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE taxonomy.taxonomies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL,
        name text NOT NULL,
        taxonomy_path_cos text NOT NULL,
        bucket text NOT NULL,
        endpoint text NOT NULL,
        secrets_manager_url text,
        secrets_manager_git_id text,
        data_tokens_estimated bigint NOT NULL,
        leaves jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT taxonomies_project_name_key UNIQUE (project_id, name)
      )`);
    await q.query('CREATE INDEX taxonomies_project_created_idx ON taxonomy.taxonomies (project_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE taxonomy.taxonomies');
  }
}
