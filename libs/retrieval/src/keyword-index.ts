import type { DataSource, EntityManager } from 'typeorm';
import { CHUNKS_TABLE, TEXT_SEARCH_CONFIG, qualifiedTable } from './retrieval-schema';
import type { SearchHit } from './search-hit';

export interface ChunkText {
  text: string;
  metadata?: Record<string, unknown>;
}

interface ChunkRow {
  collection: string;
  document_id: string;
  generation: string;
  chunk_index: number;
  text: string;
  metadata: Record<string, unknown>;
  score?: number;
}

/** websearch_to_tsquery's operators: a quoted phrase, `or`, and `-word`. */
const WEBSEARCH_SYNTAX = /"|(^|\s)-\S|\sor\s/i;

/**
 * Chunk texts in PostgreSQL full text search (`retrieval_chunks` of the service's schema, see retrievalMigration).
 * The table only ever holds live generations: RetrievalIndex writes a generation's texts in the transaction that
 * switches it live and deletes them in the one that makes it stale, so a document being replaced or deleted is seen
 * whole, old or new, without a join (which, on a freshly loaded table without statistics, PostgreSQL planned as a
 * nested loop 1000x slower than the GIN scan).
 */
export class KeywordIndex {
  private readonly chunks: string;

  constructor(
    private readonly db: DataSource,
    schema: string,
  ) {
    this.chunks = qualifiedTable(schema, CHUNKS_TABLE);
  }

  /**
   * The `limit` best chunks for `query`, best first. The query is parsed by `websearch_to_tsquery`, so any text is
   * valid; a plain question (no quotes, `or` or `-word`) matches chunks with any of its terms, ranked by cover density,
   * since the terms of a question are seldom all in one chunk. The caller bounds the query's length.
   */
  async search(projectId: string, collections: readonly string[], query: string, limit: number): Promise<SearchHit[]> {
    if (collections.length === 0 || !query.trim()) return [];
    const loosen = !WEBSEARCH_SYNTAX.test(query);
    const rows = (await this.db.query(
      `WITH q AS (
         SELECT CASE WHEN $4 THEN replace(w::text, ' & ', ' | ')::tsquery ELSE w END AS query
           FROM websearch_to_tsquery('${TEXT_SEARCH_CONFIG}', $3) AS w
       )
       SELECT c.collection, c.document_id, c.generation, c.chunk_index, c.text, c.metadata, ts_rank_cd(c.tsv, q.query, 1) AS score
         FROM ${this.chunks} c CROSS JOIN q
        WHERE c.tsv @@ q.query AND c.project_id = $1 AND c.collection = ANY($2)
        ORDER BY score DESC, c.document_id, c.chunk_index
        LIMIT $5`,
      [projectId, collections, query, loosen, limit],
    )) as ChunkRow[];
    return rows.map((r, i) => ({ ...toHit(r), score: Number(r.score), keywordRank: i + 1 }));
  }

  /** The texts of these chunks where their generation is live (keyed by chunkKey); others are left out. */
  async liveChunks(projectId: string, keys: readonly { generation: string; chunkIndex: number }[]): Promise<Map<string, SearchHit>> {
    if (keys.length === 0) return new Map();
    const rows = (await this.db.query(
      `SELECT c.collection, c.document_id, c.generation, c.chunk_index, c.text, c.metadata
         FROM unnest($2::uuid[], $3::int[]) AS k(generation, chunk_index)
         JOIN ${this.chunks} c ON c.generation = k.generation AND c.chunk_index = k.chunk_index
        WHERE c.project_id = $1`,
      [projectId, keys.map((k) => k.generation), keys.map((k) => k.chunkIndex)],
    )) as ChunkRow[];
    return new Map(rows.map((r) => [`${r.generation}:${r.chunk_index}`, toHit(r)]));
  }

  /** Writes the chunk texts of a generation, inside the transaction that switches it live. */
  async insert(
    m: EntityManager,
    doc: { projectId: string; collection: string; documentId: string; generation: string },
    chunks: readonly ChunkText[],
  ): Promise<void> {
    if (chunks.length === 0) return;
    await m.query(
      `INSERT INTO ${this.chunks} (generation, chunk_index, project_id, collection, document_id, text, metadata)
       SELECT $1, u.chunk_index, $2, $3, $4, u.text, u.metadata
         FROM unnest($5::int[], $6::text[], $7::jsonb[]) AS u(chunk_index, text, metadata)`,
      [
        doc.generation,
        doc.projectId,
        doc.collection,
        doc.documentId,
        chunks.map((_, i) => i),
        // PostgreSQL text cannot hold NUL; nothing searchable is lost without it.
        chunks.map((c) => c.text.replace(/\0/g, '')),
        chunks.map((c) => JSON.stringify(c.metadata ?? {})),
      ],
    );
  }
}

function toHit(r: ChunkRow): SearchHit {
  return {
    collection: r.collection,
    documentId: r.document_id,
    generation: r.generation,
    chunkIndex: r.chunk_index,
    text: r.text,
    metadata: r.metadata,
    score: 0,
  };
}
