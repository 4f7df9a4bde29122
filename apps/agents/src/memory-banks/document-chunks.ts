import { Inject, Injectable } from '@nestjs/common';
import { PlatformError } from '@platform/common';
import { chunkText, type IndexedChunk, tokenStringCounter } from '@platform/retrieval';
import { AgentsConfig } from '../agents.config';
import type { ReadDocument } from './document-reader';
import { EmbeddingModels } from './embedding-model';
import { InferenceCalls } from './inference-calls';

/** Embed calls of one request in flight at once; the inference service coalesces them into model batches. */
const EMBED_CONCURRENCY = 4;

export interface ChunkedDocument extends ReadDocument {
  chunks: IndexedChunk[];
}

/**
 * Documents' texts cut into chunks by the bank's model's own tokenizer (one Tokenize call per document, per 256 K
 * characters of a longer one) and embedded in batches through the inference service. Nothing is written: a failure
 * here leaves every bank as it was.
 */
@Injectable()
export class DocumentChunks {
  constructor(
    private readonly inference: InferenceCalls,
    private readonly models: EmbeddingModels,
    @Inject(AgentsConfig.token) private readonly config: AgentsConfig,
  ) {}

  async prepare(projectId: string, modelId: string, docs: readonly ReadDocument[]): Promise<ChunkedDocument[]> {
    const settings = await this.models.chunkSettings(modelId);
    const { maxChunksPerDocument, embedBatch } = this.config.memoryBanks;
    const texts = await Promise.all(
      docs.map(async (doc) => {
        const countTokens = tokenStringCounter((text) => this.inference.tokens(modelId, projectId, text));
        const chunks = await chunkText(doc.text, { ...settings, countTokens });
        if (chunks.length > maxChunksPerDocument)
          throw PlatformError.invalid(
            `documents[${doc.index}] (uuid "${doc.uuid}") makes ${chunks.length} chunks, above the limit of ${maxChunksPerDocument}`,
            `documents[${doc.index}]`,
          );
        return chunks;
      }),
    );
    const all = texts.flatMap((chunks, d) => chunks.map((c) => ({ d, text: c.text, start: c.start, end: c.end })));
    const vectors: number[][] = new Array(all.length);
    const batches: number[] = [];
    for (let at = 0; at < all.length; at += embedBatch) batches.push(at);
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < batches.length && !failed) {
        const at = batches[next++];
        const batch = all.slice(at, at + embedBatch);
        const embedded = await this.inference
          .embed(
            modelId,
            projectId,
            batch.map((c) => c.text),
          )
          .catch((err: unknown) => {
            failed = true;
            throw err;
          });
        embedded.forEach((v, i) => (vectors[at + i] = v));
      }
    };
    await Promise.all(Array.from({ length: Math.min(EMBED_CONCURRENCY, batches.length) }, worker));
    const chunked: ChunkedDocument[] = docs.map((doc) => ({ ...doc, chunks: [] }));
    all.forEach((c, i) => chunked[c.d].chunks.push({ text: c.text, vector: vectors[i], metadata: { start: c.start, end: c.end } }));
    return chunked;
  }
}
