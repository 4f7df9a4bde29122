import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each secret may be sent. Secrets created before have none, and no fetch uses them until they are created
 * again with allowed_urls: nothing recorded says where their owners meant them to go.
 */
export class SecretBindings1763900000400 implements MigrationInterface {
  name = 'SecretBindings1763900000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE taxonomy.secrets ADD COLUMN allowed_urls text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE taxonomy.secrets DROP COLUMN allowed_urls');
  }
}
