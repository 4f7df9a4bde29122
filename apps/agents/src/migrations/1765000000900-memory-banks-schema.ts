import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MemoryBanksSchema1765000000900 implements MigrationInterface {
  name = 'MemoryBanksSchema1765000000900';

  async up(q: QueryRunner): Promise<void> {
    // bank_uuid is the caller's name for the bank (the draft's); id names it everywhere else (the retrieval
    // collection, the object keys), so a bank dropped and created again under the same bank_uuid shares nothing.
    await q.query(`
      CREATE TABLE agents.memory_banks (
        id uuid PRIMARY KEY,
        project_id text NOT NULL,
        bank_uuid text NOT NULL,
        name text NOT NULL,
        embedding_model text NOT NULL,
        created_by text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT memory_banks_uuid_unique UNIQUE (project_id, bank_uuid)
      )`);
    // One row per document, switched to a new version in the same transaction as its chunks (see DocumentWriter).
    await q.query(`
      CREATE TABLE agents.memory_bank_documents (
        bank_id uuid NOT NULL REFERENCES agents.memory_banks (id) ON DELETE CASCADE,
        document_uuid text NOT NULL,
        mime_type text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        size_bytes integer NOT NULL,
        object_key text NOT NULL,
        generation uuid NOT NULL,
        chunk_count integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bank_id, document_uuid)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agents.memory_bank_documents');
    await q.query('DROP TABLE agents.memory_banks');
  }
}
