/** One retrieved chunk of a live document version. */
export interface SearchHit {
  collection: string;
  documentId: string;
  /** Position of the chunk in its document, from 0. */
  chunkIndex: number;
  text: string;
  metadata: Record<string, unknown>;
  /**
   * Hybrid: the reciprocal rank fusion score; vector: cosine similarity (1 - distance); keyword: PostgreSQL's
   * ts_rank_cd (normalised by the log of the chunk's length).
   */
  score: number;
  /** 1-based rank in the vector and keyword lists the score came from (undefined: not in that list). */
  vectorRank?: number;
  keywordRank?: number;
  /** The document version the chunk belongs to. */
  generation: string;
}

/** The identity of a chunk across both indexes. */
export function chunkKey(hit: { generation: string; chunkIndex: number }): string {
  return `${hit.generation}:${hit.chunkIndex}`;
}
