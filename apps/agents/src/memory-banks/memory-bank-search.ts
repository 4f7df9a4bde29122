import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Inject } from '@nestjs/common';
import { PlatformError } from '@platform/common';
import { MAX_COLLECTIONS, MAX_QUERY_CHARS, MAX_TOP_K, type RetrievalIndex, type SearchHit, type SearchMode } from '@platform/retrieval';
import { In, type DataSource } from 'typeorm';
import { RETRIEVAL_INDEX } from '../agents.tokens';
import { bankNotFound } from './bank-errors';
import { InferenceCalls } from './inference-calls';
import { MemoryBankDocumentEntity } from './memory-bank-document.entity';
import { MemoryBankEntity } from './memory-bank.entity';
import { requireProject } from './memory-banks.service';

export const DEFAULT_TOP_K = 5;

/** One retrieved chunk of a bank's document, best first (the memory tool's and QueryMemoryBanks' answer). */
export interface MemoryHit {
  bankUuid: string;
  documentUuid: string;
  chunkIndex: number;
  text: string;
  score: number;
  /** The document's metadata as inserted. */
  metadata: Record<string, unknown>;
}

export interface MemoryQuery {
  projectId: string;
  bankUuids: readonly string[];
  query: string;
  /** 1 to 100; 0 or absent: 5. */
  topK?: number;
  /** hybrid (default), vector or keyword. */
  mode?: string;
  signal?: AbortSignal;
}

/**
 * Retrieval over banks of one project (a bank of another project is NOT_FOUND, as an unknown one is). The query is
 * embedded with each bank's own model; banks of different models are searched apart and their hits merged by score.
 */
@Injectable()
export class MemoryBankSearch {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RETRIEVAL_INDEX) private readonly index: RetrievalIndex,
    private readonly inference: InferenceCalls,
  ) {}

  async query(q: MemoryQuery): Promise<MemoryHit[]> {
    const projectId = requireProject(q.projectId);
    const topK = q.topK || DEFAULT_TOP_K;
    const mode = (q.mode || 'hybrid') as SearchMode;
    if (mode !== 'hybrid' && mode !== 'vector' && mode !== 'keyword')
      throw PlatformError.invalid('mode must be hybrid, vector or keyword', 'mode');
    if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K)
      throw PlatformError.invalid(`top_k must be from 1 to ${MAX_TOP_K}`, 'top_k');
    if (q.query.length > MAX_QUERY_CHARS) throw PlatformError.invalid(`query is longer than ${MAX_QUERY_CHARS} characters`, 'query');
    if (!q.query.trim()) throw PlatformError.invalid('query is empty', 'query');
    if (q.bankUuids.length === 0) throw PlatformError.invalid('name at least one memory bank', 'bank_uuids');
    if (q.bankUuids.length > MAX_COLLECTIONS)
      throw PlatformError.invalid(`at most ${MAX_COLLECTIONS} memory banks per query`, 'bank_uuids');

    const banks = await this.db.getRepository(MemoryBankEntity).find({ where: { projectId, bankUuid: In([...q.bankUuids]) } });
    const byUuid = new Map(banks.map((b) => [b.bankUuid, b]));
    const missing = q.bankUuids.findIndex((u) => !byUuid.has(u));
    if (missing >= 0) throw bankNotFound(q.bankUuids[missing], `bank_uuids[${missing}]`);

    const byModel = new Map<string, MemoryBankEntity[]>();
    for (const bank of byUuid.values()) byModel.set(bank.embeddingModel, [...(byModel.get(bank.embeddingModel) ?? []), bank]);
    const groups = await Promise.all(
      [...byModel].map(async ([model, group]) => {
        const vector = mode === 'keyword' ? undefined : (await this.inference.embed(model, projectId, [q.query], q.signal))[0];
        return this.index.search({ projectId, collections: group.map((b) => b.id), query: q.query, vector, topK, mode });
      }),
    );
    const hits = groups
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
    return this.withDocuments(banks, hits);
  }

  /** The turns' memory tool: hybrid retrieval over the agent's banks. */
  search(projectId: string, bankUuids: readonly string[], query: string, topK: number, signal?: AbortSignal): Promise<MemoryHit[]> {
    return this.query({ projectId, bankUuids, query, topK, signal });
  }

  private async withDocuments(banks: MemoryBankEntity[], hits: SearchHit[]): Promise<MemoryHit[]> {
    const bankOf = new Map(banks.map((b) => [b.id, b]));
    const rows = hits.length
      ? await this.db.getRepository(MemoryBankDocumentEntity).find({
          select: { bankId: true, documentUuid: true, metadata: true },
          where: hits.map((h) => ({ bankId: h.collection, documentUuid: h.documentId })),
        })
      : [];
    const metadata = new Map(rows.map((r) => [`${r.bankId}|${r.documentUuid}`, r.metadata]));
    return hits.map((h) => ({
      bankUuid: bankOf.get(h.collection)?.bankUuid ?? '',
      documentUuid: h.documentId,
      chunkIndex: h.chunkIndex,
      text: h.text,
      score: h.score,
      metadata: metadata.get(`${h.collection}|${h.documentId}`) ?? {},
    }));
  }
}
