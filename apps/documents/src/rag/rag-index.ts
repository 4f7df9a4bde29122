import type { StorageContainer } from '@platform/common';
import { chunkText, type RetrievalIndex, type SearchHit, tokenStringCounter } from '@platform/retrieval';
import type { IndexSetting, RetrievedContext, RetrievalSetting } from './evaluation';
import type { RagIndexRecord } from './rag-experiment.entity';
import type { RagInference } from './rag-inference';

/** Chunks embedded in one Embed call. */
const EMBED_BATCH = 16;

/** A document's text as the experiment indexes it. */
export interface RagDocumentText {
  documentId: string;
  text: string;
}

/**
 * The vector table an index's vectors go to. @platform/retrieval keeps one LanceDB table per "project" key and fixes
 * its dimension at the first write, so two embedding models of different widths cannot share one: the key is the
 * container and the dimension (`<container id>_rag_d<dimension>`). Models of one width share the table; each index is
 * its own collection, so a search never crosses indexes.
 */
export function vectorKey(c: StorageContainer, dimension: number): string {
  return `${c.projectId ?? c.spaceId}_rag_d${dimension}`;
}

/** An index's collection: namespaced by the experiment, numbered in the experiment's index order. */
export function indexCollection(experimentId: string, n: number): string {
  return `autoai_rag_${experimentId}_index_${n}`;
}

/** Builds and searches an experiment's indexes: one collection per chunking × embedding setting. */
export class RagIndex {
  constructor(
    private readonly index: RetrievalIndex,
    private readonly inference: RagInference,
  ) {}

  /**
   * Chunks every document with the setting's chunk size and overlap (the embedding model's tokenizer counts), embeds
   * the chunks and writes them to the collection. `record` is called with the index's record before its first vector
   * is written, so whoever cleans up knows it. Returns the record and the number of chunks.
   */
  async build(
    c: StorageContainer,
    collection: string,
    setting: IndexSetting,
    docs: readonly RagDocumentText[],
    record: (r: RagIndexRecord) => Promise<void>,
    signal: AbortSignal,
  ): Promise<{ record: RagIndexRecord; chunks: number }> {
    const model = setting.embedding_model;
    const chunked = [];
    for (const doc of docs) {
      signal.throwIfAborted();
      const chunks = await chunkText(doc.text, {
        maxTokens: setting.chunking.chunk_size,
        overlapTokens: setting.chunking.chunk_overlap,
        // One Tokenize call per document (its sentences joined), not one per sentence.
        countTokens: tokenStringCounter((text) => this.inference.tokens(model, c, text, signal)),
      });
      chunked.push({ doc, chunks });
    }
    let rec: RagIndexRecord | undefined;
    let total = 0;
    for (const { doc, chunks } of chunked) {
      if (chunks.length === 0) continue;
      const vectors: number[][] = [];
      for (let at = 0; at < chunks.length; at += EMBED_BATCH) {
        signal.throwIfAborted();
        vectors.push(
          ...(await this.inference.embed(
            model,
            c,
            chunks.slice(at, at + EMBED_BATCH).map((ch) => ch.text),
            signal,
          )),
        );
      }
      if (!rec) {
        rec = { collection, vectorKey: vectorKey(c, vectors[0].length), embeddingModel: model, chunking: { ...setting.chunking } };
        await record(rec);
      }
      signal.throwIfAborted();
      await this.index.replaceDocument(
        { projectId: rec.vectorKey, collection, documentId: doc.documentId },
        chunks.map((ch, i) => ({ text: ch.text, vector: vectors[i], metadata: { start: ch.start, end: ch.end } })),
      );
      total += chunks.length;
    }
    if (!rec) throw new Error('none of the documents holds any text to index');
    return { record: rec, chunks: total };
  }

  /**
   * The contexts of one question, best first: `simple` takes the top `number_of_chunks` chunks of the hybrid search
   * (vectors and keywords by reciprocal rank fusion); `window` widens each of them by `window_size` neighbours on each
   * side in its document (overlapping text written once), keeping the chunk's rank and score.
   */
  async retrieve(rec: RagIndexRecord, question: string, vector: readonly number[], r: RetrievalSetting): Promise<RetrievedContext[]> {
    const hits = await this.index.search({
      projectId: rec.vectorKey,
      collections: [rec.collection],
      query: question.slice(0, 2000),
      vector,
      topK: r.number_of_chunks,
      mode: 'hybrid',
    });
    if (r.method !== 'window' || !r.window_size) return hits.map(toContext);
    const w = r.window_size;
    const wanted = hits.flatMap((h) =>
      Array.from({ length: 2 * w + 1 }, (_, k) => h.chunkIndex - w + k)
        .filter((i) => i >= 0)
        .map((chunkIndex) => ({ generation: h.generation, chunkIndex })),
    );
    const found = await this.index.keyword.liveChunks(rec.vectorKey, wanted);
    return hits.map((h) => {
      const around: SearchHit[] = [];
      for (let i = h.chunkIndex - w; i <= h.chunkIndex + w; i++) {
        const hit = i === h.chunkIndex ? h : found.get(`${h.generation}:${i}`);
        if (hit) around.push(hit);
      }
      return { ...toContext(h), text: joinChunks(around) };
    });
  }

  /** Removes the index's chunks from both indexes. */
  async drop(rec: RagIndexRecord): Promise<void> {
    await this.index.deleteCollection(rec.vectorKey, rec.collection);
  }
}

const toContext = (h: SearchHit): RetrievedContext => ({
  document_id: h.documentId,
  sequence_number: h.chunkIndex,
  text: h.text,
  score: h.score,
});

/** Consecutive chunks of one document as one text: where a chunk overlaps the previous one (by offsets), the overlap is skipped. */
export function joinChunks(chunks: readonly SearchHit[]): string {
  let text = '';
  let end = -1;
  for (const ch of chunks) {
    const start = Number(ch.metadata.start);
    const chEnd = Number(ch.metadata.end);
    if (text && Number.isFinite(start) && Number.isFinite(chEnd) && start < end) {
      const skip = end - start;
      if (skip < ch.text.length) text += ch.text.slice(skip);
    } else text += (text ? '\n' : '') + ch.text;
    if (Number.isFinite(chEnd)) end = Math.max(end, chEnd);
  }
  return text;
}
