import { randomUUID } from 'node:crypto';
import { PlatformError } from '@platform/common';
import type { DataSource, EntityManager } from 'typeorm';
import { hybridSearch } from './hybrid-search';
import { KeywordIndex, type ChunkText } from './keyword-index';
import { GENERATIONS_TABLE, qualifiedTable } from './retrieval-schema';
import { chunkKey, type SearchHit } from './search-hit';
import type { VectorIndex } from './vector-index';

/** What RetrievalIndex needs of the vector index (VectorIndex; tests wrap it to inject failures). */
export type VectorStore = Pick<VectorIndex, 'add' | 'search' | 'deleteGenerations' | 'deleteCollection' | 'optimize'>;

export type SearchMode = 'hybrid' | 'vector' | 'keyword';

export interface DocumentRef {
  projectId: string;
  /** The group a document belongs to (a memory bank, an AutoAI RAG index). */
  collection: string;
  documentId: string;
}

export interface IndexedChunk extends ChunkText {
  /** The chunk's embedding; every vector of a project has the same dimension. */
  vector: ArrayLike<number>;
}

export interface SearchRequest {
  projectId: string;
  collections: readonly string[];
  query: string;
  /** The query's embedding; needed by hybrid and vector modes. */
  vector?: ArrayLike<number>;
  /** 1 to MAX_TOP_K. */
  topK: number;
  mode?: SearchMode;
}

/** Warnings about work left for collectGarbage (a pino logger fits). */
export interface RetrievalLogger {
  warn(obj: object, msg: string): void;
}

/**
 * The caller's own writes in the transaction that switches a document's live generation (a memory bank's document
 * row): they commit with the switch or not at all, and throwing rolls the switch back (the write then fails whole).
 */
export type InSwitch = (m: EntityManager, generation: string) => Promise<void>;

export const MAX_TOP_K = 100;
/** Longer queries are refused: the keyword query's cost grows with its terms. */
export const MAX_QUERY_CHARS = 2000;
export const MAX_COLLECTIONS = 100;
/** Vector and keyword lists are this deep (at least) before fusion, so a chunk ranked low in one still counts. */
const FUSION_DEPTH = 20;
/** Vector searches run again this many times, each fetching 4x deeper, when stale rows crowd out live ones. */
const VECTOR_REFETCHES = 3;
/** Writes to a project's vector table between two compactions of it. */
const OPTIMIZE_EVERY = 64;

/**
 * Documents' chunks in both indexes, replaced atomically. Each write of a document is a new generation: its row is
 * registered `pending`, its vectors are written to LanceDB, then one PostgreSQL transaction writes its chunk texts,
 * marks the previous generation `stale` (deleting its texts) and this one `live`. The texts table thus only holds live
 * generations, and every read goes through it, so a search sees the old version or the new one, never a mix, and a
 * failed write leaves the old version searchable and nothing of the new one. Stale and abandoned generations' vectors
 * are deleted after the switch, and by collectGarbage for a writer that died in between. A replace whose collection is
 * deleted before its switch fails (its pending row was made stale) rather than reviving the collection.
 */
export class RetrievalIndex {
  readonly keyword: KeywordIndex;
  private readonly generations: string;
  private readonly writes = new Map<string, number>();

  constructor(private readonly opts: { db: DataSource; schema: string; vectors: VectorStore; logger?: RetrievalLogger }) {
    this.keyword = new KeywordIndex(opts.db, opts.schema);
    this.generations = qualifiedTable(opts.schema, GENERATIONS_TABLE);
  }

  /** Replaces the document's chunks (or indexes it for the first time); returns the new generation. */
  async replaceDocument(
    doc: DocumentRef,
    chunks: readonly IndexedChunk[],
    opts: { inSwitch?: InSwitch } = {},
  ): Promise<{ generation: string; chunks: number }> {
    const { db, vectors } = this.opts;
    const generation = randomUUID();
    await db.query(
      `INSERT INTO ${this.generations} (generation, project_id, collection, document_id, state, chunk_count) VALUES ($1, $2, $3, $4, 'pending', $5)`,
      [generation, doc.projectId, doc.collection, doc.documentId, chunks.length],
    );
    let stale: string[];
    try {
      await vectors.add(
        doc.projectId,
        chunks.map((c, chunkIndex) => ({
          collection: doc.collection,
          documentId: doc.documentId,
          generation,
          chunkIndex,
          vector: c.vector,
        })),
      );
      stale = await db.transaction(async (m) => {
        // One switch per document at a time: the unique live index would otherwise fail the second of two first writes.
        await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${this.generations}|${docKey(doc)}`]);
        const previous = (await m.query(
          `UPDATE ${this.generations} SET state = 'stale', updated_at = now()
            WHERE project_id = $1 AND collection = $2 AND document_id = $3 AND state = 'live' RETURNING generation`,
          [doc.projectId, doc.collection, doc.documentId],
        )) as [{ generation: string }[], number];
        const old = previous[0].map((r) => r.generation);
        await this.deleteTexts(m, old);
        const [, switched] = (await m.query(
          `UPDATE ${this.generations} SET state = 'live', updated_at = now() WHERE generation = $1 AND state = 'pending'`,
          [generation],
        )) as [unknown, number];
        if (switched !== 1)
          throw new Error(`generation ${generation} of document ${doc.documentId} was collected before it was switched live`);
        await this.keyword.insert(m, { ...doc, generation }, chunks);
        await opts.inSwitch?.(m, generation);
        return old;
      });
    } catch (err) {
      await this.abandon(doc.projectId, [generation]);
      throw err;
    }
    await this.cleanUp(doc.projectId, stale);
    return { generation, chunks: chunks.length };
  }

  /** Removes the document from both indexes; false when it had no live version. */
  async deleteDocument(doc: DocumentRef, opts: { inSwitch?: (m: EntityManager) => Promise<void> } = {}): Promise<boolean> {
    const stale = await this.opts.db.transaction(async (m) => {
      const [rows] = (await m.query(
        `UPDATE ${this.generations} SET state = 'stale', updated_at = now()
          WHERE project_id = $1 AND collection = $2 AND document_id = $3 AND state = 'live' RETURNING generation`,
        [doc.projectId, doc.collection, doc.documentId],
      )) as [{ generation: string }[], number];
      const old = rows.map((r) => r.generation);
      await this.deleteTexts(m, old);
      await opts.inSwitch?.(m);
      return old;
    });
    await this.cleanUp(doc.projectId, stale);
    return stale.length > 0;
  }

  /** Removes every document of the collection from both indexes. */
  async deleteCollection(projectId: string, collection: string): Promise<void> {
    await this.opts.db.transaction(async (m) => {
      await m.query(`UPDATE ${this.generations} SET state = 'stale', updated_at = now() WHERE project_id = $1 AND collection = $2`, [
        projectId,
        collection,
      ]);
      await m.query(`DELETE FROM ${this.keywordChunks()} WHERE project_id = $1 AND collection = $2`, [projectId, collection]);
    });
    try {
      await this.opts.vectors.deleteCollection(projectId, collection);
      await this.opts.db.query(`DELETE FROM ${this.generations} WHERE project_id = $1 AND collection = $2 AND state = 'stale'`, [
        projectId,
        collection,
      ]);
    } catch (err) {
      this.opts.logger?.warn({ err, projectId, collection }, 'vectors of a deleted collection left for collectGarbage');
    }
  }

  /** The best `topK` live chunks of these collections for the query (see SearchMode and SearchHit.score). */
  async search(req: SearchRequest): Promise<SearchHit[]> {
    const mode = req.mode ?? 'hybrid';
    checkSearch(req, mode);
    const depth = Math.max(FUSION_DEPTH, 2 * req.topK);
    if (mode === 'keyword') return this.keyword.search(req.projectId, req.collections, req.query, req.topK);
    if (mode === 'vector') return this.vectorSearch(req, req.topK);
    const [vectorHits, keywordHits] = await Promise.all([
      this.vectorSearch(req, depth),
      this.keyword.search(req.projectId, req.collections, req.query, depth),
    ]);
    return hybridSearch(vectorHits, keywordHits, req.topK);
  }

  /**
   * Deletes the vectors of stale generations and of pending ones older than `pendingOlderThanMs` (their writer died
   * between registering and switching), then their rows. Returns how many generations it removed.
   */
  async collectGarbage(pendingOlderThanMs = 60 * 60_000): Promise<number> {
    const rows = (await this.opts.db.query(
      `SELECT generation, project_id FROM ${this.generations}
        WHERE state = 'stale' OR (state = 'pending' AND updated_at < now() - $1 * interval '1 millisecond')`,
      [pendingOlderThanMs],
    )) as { generation: string; project_id: string }[];
    const byProject = new Map<string, string[]>();
    for (const r of rows) byProject.set(r.project_id, [...(byProject.get(r.project_id) ?? []), r.generation]);
    let removed = 0;
    for (const [projectId, generations] of byProject) {
      await this.opts.vectors.deleteGenerations(projectId, generations);
      const [, count] = (await this.opts.db.query(
        `DELETE FROM ${this.generations} WHERE generation = ANY($1::uuid[]) AND state <> 'live'`,
        [generations],
      )) as [unknown, number];
      removed += count;
    }
    return removed;
  }

  private async vectorSearch(req: SearchRequest, limit: number): Promise<SearchHit[]> {
    const vector = req.vector;
    if (!vector) throw PlatformError.invalid(`a ${req.mode ?? 'hybrid'} search needs the query's embedding`, 'vector');
    let fetch = limit + 8;
    for (let attempt = 0; ; attempt++) {
      const hits = await this.opts.vectors.search(req.projectId, req.collections, vector, fetch);
      const live = await this.keyword.liveChunks(req.projectId, hits);
      const found = hits.flatMap((h) => {
        const hit = live.get(chunkKey(h));
        return hit ? [{ ...hit, score: 1 - h.distance }] : [];
      });
      // Stale rows (a replace between its switch and its clean-up) crowd out live ones only briefly: look deeper.
      if (found.length >= limit || hits.length < fetch || attempt === VECTOR_REFETCHES)
        return found.slice(0, limit).map((h, i) => ({ ...h, vectorRank: i + 1 }));
      fetch *= 4;
    }
  }

  private keywordChunks(): string {
    return qualifiedTable(this.opts.schema, 'retrieval_chunks');
  }

  private async deleteTexts(m: { query(sql: string, params: unknown[]): Promise<unknown> }, generations: string[]): Promise<void> {
    if (generations.length > 0) await m.query(`DELETE FROM ${this.keywordChunks()} WHERE generation = ANY($1::uuid[])`, [generations]);
  }

  /** A generation that never went live: its vectors (if any were written) and its row go. */
  private async abandon(projectId: string, generations: string[]): Promise<void> {
    try {
      await this.opts.vectors.deleteGenerations(projectId, generations);
      await this.opts.db.query(`DELETE FROM ${this.generations} WHERE generation = ANY($1::uuid[]) AND state = 'pending'`, [generations]);
    } catch (err) {
      this.opts.logger?.warn({ err, projectId, generations }, 'an abandoned generation left for collectGarbage');
    }
  }

  /** After a switch: the replaced generations' vectors and rows go; compaction now and then. */
  private async cleanUp(projectId: string, stale: string[]): Promise<void> {
    try {
      if (stale.length > 0) {
        await this.opts.vectors.deleteGenerations(projectId, stale);
        await this.opts.db.query(`DELETE FROM ${this.generations} WHERE generation = ANY($1::uuid[]) AND state = 'stale'`, [stale]);
      }
      const writes = (this.writes.get(projectId) ?? 0) + 1;
      this.writes.set(projectId, writes % OPTIMIZE_EVERY);
      if (writes % OPTIMIZE_EVERY === 0) await this.opts.vectors.optimize(projectId);
    } catch (err) {
      this.opts.logger?.warn({ err, projectId, generations: stale }, 'stale vectors left for collectGarbage');
    }
  }
}

function docKey(doc: DocumentRef): string {
  return JSON.stringify([doc.projectId, doc.collection, doc.documentId]);
}

function checkSearch(req: SearchRequest, mode: SearchMode): void {
  if (mode !== 'hybrid' && mode !== 'vector' && mode !== 'keyword')
    throw PlatformError.invalid('mode must be hybrid, vector or keyword', 'mode');
  if (!Number.isInteger(req.topK) || req.topK < 1 || req.topK > MAX_TOP_K)
    throw PlatformError.invalid(`top_k must be an integer from 1 to ${MAX_TOP_K}`, 'top_k');
  if (req.query.length > MAX_QUERY_CHARS) throw PlatformError.invalid(`query is longer than ${MAX_QUERY_CHARS} characters`, 'query');
  if (mode !== 'vector' && !req.query.trim()) throw PlatformError.invalid('query is empty', 'query');
  if (req.collections.length > MAX_COLLECTIONS)
    throw PlatformError.invalid(`at most ${MAX_COLLECTIONS} collections per search`, 'bank_uuids');
}
