import { RRF_K, reciprocalRankFusion } from './reciprocal-rank-fusion';
import { chunkKey, type SearchHit } from './search-hit';

/**
 * Fuses a vector and a keyword result list (each best first) by reciprocal rank fusion: a chunk's score is
 * Σ 1 / (k + rank) over the lists it is in, so a chunk both indexes rank well beats one only either ranks first,
 * without comparing cosine similarities with text ranks. Returns the best `topK`.
 */
export function hybridSearch(vectorHits: readonly SearchHit[], keywordHits: readonly SearchHit[], topK: number, k = RRF_K): SearchHit[] {
  return reciprocalRankFusion([vectorHits, keywordHits], chunkKey, k)
    .slice(0, topK)
    .map(({ item, score, ranks }) => ({ ...item, score, vectorRank: ranks[0], keywordRank: ranks[1] }));
}
