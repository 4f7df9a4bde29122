// Fixtures of the retrieval library for specs, benches and the e2e suite (never imported by production code).
export { loadRetrievalCorpus, recallAtK, type CorpusDocument, type CorpusQuestion } from './corpus';
export { hashedEmbedding } from './hashed-embedding';
