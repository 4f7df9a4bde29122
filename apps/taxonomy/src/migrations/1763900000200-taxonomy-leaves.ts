import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TaxonomyLeaves1763900000200 implements MigrationInterface {
  name = 'TaxonomyLeaves1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE taxonomy.taxonomy_leaves (
        taxonomy_id uuid NOT NULL REFERENCES taxonomy.taxonomies (id) ON DELETE CASCADE,
        path text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('knowledge', 'freeform_skill', 'grounded_skill')),
        qna_yaml text NOT NULL,
        documents jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (taxonomy_id, path)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE taxonomy.taxonomy_leaves');
  }
}
