import { EntitySchema, type MigrationInterface, type QueryRunner } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;

export const GENERATIONS_TABLE = 'retrieval_generations';
export const CHUNKS_TABLE = 'retrieval_chunks';
/** 2025-01-01T00:00:00.010Z: before a service's own migrations, after the outbox's and inbox's. */
export const RETRIEVAL_MIGRATION_TIMESTAMP = 1735689600010;
/** The text search configuration of the generated tsvector and of every query. */
export const TEXT_SEARCH_CONFIG = 'english';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** `"schema"."table"` for a schema name, which is never user input (validated all the same). */
export function qualifiedTable(schema: string, table: string): string {
  if (!IDENT.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: use letters, digits and _`);
  return `"${schema}"."${table}"`;
}

/**
 * A TypeORM migration that creates the retrieval tables in the using service's schema; put it in the service's
 * `migrations` list. `retrieval_generations` has one row per written version of a document: `pending` while its
 * vectors are written, `live` (at most one per document) once switched in, `stale` until its vectors are deleted.
 * `retrieval_chunks` holds the chunk texts of live generations, with a generated tsvector under a GIN index.
 */
export function retrievalMigration(schema: string, opts: { timestamp?: number } = {}): MigrationClass {
  const generations = qualifiedTable(schema, GENERATIONS_TABLE);
  const chunks = qualifiedTable(schema, CHUNKS_TABLE);
  const timestamp = opts.timestamp ?? RETRIEVAL_MIGRATION_TIMESTAMP;
  if (!Number.isInteger(timestamp) || String(timestamp).length !== 13) throw new Error('migration timestamp must have 13 digits');
  const name = `Retrieval_${schema}_${timestamp}`;
  return class RetrievalMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await q.query(`CREATE TABLE ${generations} (
        generation uuid PRIMARY KEY,
        project_id text NOT NULL,
        collection text NOT NULL,
        document_id text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'live', 'stale')),
        chunk_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
      await q.query(
        `CREATE UNIQUE INDEX retrieval_generations_live_idx ON ${generations} (project_id, collection, document_id) WHERE state = 'live'`,
      );
      await q.query(`CREATE INDEX retrieval_generations_unlive_idx ON ${generations} (updated_at) WHERE state <> 'live'`);
      await q.query(`CREATE TABLE ${chunks} (
        generation uuid NOT NULL REFERENCES ${generations} (generation) ON DELETE CASCADE,
        chunk_index integer NOT NULL,
        project_id text NOT NULL,
        collection text NOT NULL,
        document_id text NOT NULL,
        text text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('${TEXT_SEARCH_CONFIG}', text)) STORED,
        PRIMARY KEY (generation, chunk_index)
      )`);
      await q.query(`CREATE INDEX retrieval_chunks_tsv_idx ON ${chunks} USING gin (tsv)`);
      await q.query(`CREATE INDEX retrieval_chunks_collection_idx ON ${chunks} (project_id, collection)`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE IF EXISTS ${chunks}`);
      await q.query(`DROP TABLE IF EXISTS ${generations}`);
    }
  };
}

export type GenerationState = 'pending' | 'live' | 'stale';

export interface RetrievalGenerationRecord {
  generation: string;
  projectId: string;
  collection: string;
  documentId: string;
  state: GenerationState;
  chunkCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface RetrievalChunkRecord {
  generation: string;
  chunkIndex: number;
  projectId: string;
  collection: string;
  documentId: string;
  text: string;
  metadata: Record<string, unknown>;
}

/**
 * Read-mostly TypeORM entities of the two tables, for services that count or list through a repository; writes go
 * through RetrievalIndex. Add them to the service's `entities` when used.
 */
export function retrievalEntities(schema: string): [EntitySchema<RetrievalGenerationRecord>, EntitySchema<RetrievalChunkRecord>] {
  qualifiedTable(schema, GENERATIONS_TABLE);
  const common = {
    projectId: { name: 'project_id', type: 'text' },
    collection: { type: 'text' },
    documentId: { name: 'document_id', type: 'text' },
  } as const;
  return [
    new EntitySchema<RetrievalGenerationRecord>({
      name: `RetrievalGeneration_${schema}`,
      tableName: GENERATIONS_TABLE,
      schema,
      columns: {
        generation: { type: 'uuid', primary: true },
        ...common,
        state: { type: 'text' },
        chunkCount: { name: 'chunk_count', type: 'integer' },
        createdAt: { name: 'created_at', type: 'timestamptz' },
        updatedAt: { name: 'updated_at', type: 'timestamptz' },
      },
    }),
    new EntitySchema<RetrievalChunkRecord>({
      name: `RetrievalChunk_${schema}`,
      tableName: CHUNKS_TABLE,
      schema,
      columns: {
        generation: { type: 'uuid', primary: true },
        chunkIndex: { name: 'chunk_index', type: 'integer', primary: true },
        ...common,
        text: { type: 'text' },
        metadata: { type: 'jsonb' },
      },
    }),
  ];
}
