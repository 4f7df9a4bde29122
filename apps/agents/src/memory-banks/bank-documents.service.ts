import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError } from '@platform/common';
import type { agentsV1 } from '@platform/contracts';
import type { ObjectStore } from '@platform/object-store';
import { OBJECT_STORE } from '@platform/service';
import { In, type DataSource } from 'typeorm';
import { AgentsConfig } from '../agents.config';
import { documentNotFound } from './bank-errors';
import { DocumentChunks } from './document-chunks';
import { readDocuments } from './document-reader';
import { DocumentWriter, type WriteMode } from './document-writer';
import { MemoryBankDocumentEntity } from './memory-bank-document.entity';
import { MemoryBanksService } from './memory-banks.service';

/** Most bytes one GetDocuments answers: the documents travel back whole, in one gRPC message. */
export const MAX_GET_BYTES = 3.5 * 1024 * 1024;
export const MAX_DOCUMENT_UUIDS = 1000;

/** A bank's documents: insert or update (idempotent per uuid), delete, get. */
@Injectable()
export class BankDocumentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(AgentsConfig.token) private readonly config: AgentsConfig,
    private readonly banks: MemoryBanksService,
    private readonly chunks: DocumentChunks,
    private readonly writer: DocumentWriter,
  ) {}

  /**
   * Every document is checked, extracted, chunked and embedded before any is written; then each replaces its previous
   * version whole (see DocumentWriter). `update` refuses a document the bank does not hold (NOT_FOUND naming it).
   */
  async write(req: agentsV1.InsertDocumentsRequest, mode: WriteMode): Promise<number> {
    const bank = await this.banks.find(req.projectId, req.bankUuid);
    const { memoryBanks: limits } = this.config;
    const docs = await readDocuments(req.documents, { ...limits, maxDocuments: limits.maxDocumentsPerRequest });
    const held = await this.held(
      bank.id,
      docs.map((d) => d.uuid),
    );
    if (mode === 'update') {
      const missing = docs.find((d) => !held.has(d.uuid));
      if (missing) throw documentNotFound(bank.bankUuid, missing.uuid, `documents[${missing.index}]`);
    }
    const chunked = await this.chunks.prepare(bank.projectId, bank.embeddingModel, docs);
    let indexed = 0;
    for (const doc of chunked) indexed += await this.writer.write(bank, doc, mode);
    return indexed;
  }

  /** Deletes the documents (every chunk of each); NOT_FOUND naming the first the bank does not hold, before any is deleted. */
  async delete(req: agentsV1.DeleteDocumentsRequest): Promise<void> {
    const bank = await this.banks.find(req.projectId, req.bankUuid);
    const uuids = checkUuids(req.documentUuids);
    const held = await this.held(bank.id, uuids);
    const missing = uuids.findIndex((u) => !held.has(u));
    if (missing >= 0) throw documentNotFound(bank.bankUuid, uuids[missing], `document_uuids[${missing}]`);
    for (const uuid of new Set(uuids)) await this.writer.remove(bank, uuid);
  }

  /** The documents as inserted (bytes from the object store), in the order asked. */
  async get(req: agentsV1.GetDocumentsRequest): Promise<agentsV1.MemoryBankDocument[]> {
    const bank = await this.banks.find(req.projectId, req.bankUuid);
    const uuids = checkUuids(req.documentUuids);
    const rows = await this.db.getRepository(MemoryBankDocumentEntity).find({ where: { bankId: bank.id, documentUuid: In(uuids) } });
    const byUuid = new Map(rows.map((r) => [r.documentUuid, r]));
    const missing = uuids.findIndex((u) => !byUuid.has(u));
    if (missing >= 0) throw documentNotFound(bank.bankUuid, uuids[missing], `document_uuids[${missing}]`);
    const total = uuids.reduce((n, u) => n + (byUuid.get(u)?.sizeBytes ?? 0), 0);
    if (total > MAX_GET_BYTES)
      throw PlatformError.invalid(
        `the documents asked for are ${total} bytes together, above ${MAX_GET_BYTES}: ask for fewer at a time`,
        'document_uuids',
      );
    return Promise.all(
      uuids.map(async (uuid) => {
        const row = byUuid.get(uuid) as MemoryBankDocumentEntity;
        return {
          uuid,
          content: await this.store.getBuffer(row.objectKey),
          mimeType: row.mimeType,
          metadataJson: JSON.stringify(row.metadata),
        };
      }),
    );
  }

  private async held(bankId: string, uuids: string[]): Promise<Set<string>> {
    if (uuids.length === 0) return new Set();
    const rows = await this.db
      .getRepository(MemoryBankDocumentEntity)
      .find({ select: { documentUuid: true }, where: { bankId, documentUuid: In(uuids) } });
    return new Set(rows.map((r) => r.documentUuid));
  }
}

function checkUuids(uuids: readonly string[]): string[] {
  if (uuids.length === 0) throw PlatformError.invalid('document_uuids is empty', 'document_uuids');
  if (uuids.length > MAX_DOCUMENT_UUIDS)
    throw PlatformError.invalid(`at most ${MAX_DOCUMENT_UUIDS} document uuids per request`, 'document_uuids');
  return [...uuids];
}
