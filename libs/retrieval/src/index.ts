/**
 * @platform/retrieval — the platform's one retrieval library (agents' memory banks, the documents service's RAG):
 * `chunkText` (sentences packed into token-bounded chunks with overlap), `VectorIndex` (LanceDB, one table per
 * project, on local disk or S3), `KeywordIndex` (PostgreSQL full text in the using service's schema),
 * `hybridSearch` (reciprocal rank fusion) and `RetrievalIndex`, which replaces a document's chunks in both indexes
 * atomically. Embeddings come from the caller (the inference service's Embed). See README.md.
 */
export * from './chunk-text';
export * from './hybrid-search';
export * from './keyword-index';
export * from './reciprocal-rank-fusion';
export * from './retrieval-index';
export * from './retrieval-schema';
export * from './search-hit';
export * from './token-string-counter';
export * from './vector-index';
export * from './vector-index-settings';
