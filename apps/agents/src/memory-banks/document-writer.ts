import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PlatformError, type Logger } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import type { RetrievalIndex } from '@platform/retrieval';
import { LOGGER, OBJECT_STORE } from '@platform/service';
import type { EntityManager } from 'typeorm';
import { AgentsConfig } from '../agents.config';
import { RETRIEVAL_INDEX } from '../agents.tokens';
import { bankNotFound, documentNotFound, rowsOf } from './bank-errors';
import type { ChunkedDocument } from './document-chunks';
import type { MemoryBankEntity } from './memory-bank.entity';

export type BankRef = Pick<MemoryBankEntity, 'id' | 'projectId' | 'bankUuid'>;
/** `upsert`: insert or replace; `update`: the document must exist when its new version is switched in. */
export type WriteMode = 'upsert' | 'update';

/**
 * Writes and deletes one document of a bank, whole or not at all. Each version's bytes are a new object
 * (`<prefix><project>/<bank id>/<document>/<version>`), written first; then the retrieval index writes the version's
 * vectors and, in one PostgreSQL transaction, switches its chunks live together with the document's row (which names
 * the object). The previous version's object is deleted after that commit; a failure before it deletes the new object,
 * so the previous version stays whole: searchable, readable and nothing of the new one anywhere.
 */
@Injectable()
export class DocumentWriter {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(RETRIEVAL_INDEX) private readonly index: RetrievalIndex,
    @Inject(AgentsConfig.token) private readonly config: AgentsConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Every object of the bank is under this prefix. */
  bankPrefix(bank: BankRef): string {
    return `${this.config.memoryBanks.documentsPrefix}${encodeURIComponent(bank.projectId)}/${bank.id}/`;
  }

  /** Writes the document's new version; returns its chunk count. */
  async write(bank: BankRef, doc: ChunkedDocument, mode: WriteMode): Promise<number> {
    const key = `${this.bankPrefix(bank)}${encodeURIComponent(doc.uuid)}/${randomUUID()}`;
    await this.store.put(key, doc.content, doc.mimeType || undefined);
    let previous: string | undefined;
    try {
      await this.index.replaceDocument({ projectId: bank.projectId, collection: bank.id, documentId: doc.uuid }, doc.chunks, {
        inSwitch: async (m, generation) => {
          previous = await this.switchRow(m, bank, doc, key, generation, mode);
        },
      });
    } catch (err) {
      await this.discard(key);
      throw err;
    }
    if (previous) await this.discard(previous);
    return doc.chunks.length;
  }

  /** Deletes the document's chunks and row together, then its object; false when the bank has no such document. */
  async remove(bank: BankRef, documentUuid: string): Promise<boolean> {
    let key: string | undefined;
    await this.index.deleteDocument(
      { projectId: bank.projectId, collection: bank.id, documentId: documentUuid },
      {
        inSwitch: async (m) => {
          const rows = rowsOf<{ object_key: string }>(
            await m.query('DELETE FROM agents.memory_bank_documents WHERE bank_id = $1 AND document_uuid = $2 RETURNING object_key', [
              bank.id,
              documentUuid,
            ]),
          );
          key = rows[0]?.object_key;
        },
      },
    );
    if (key) await this.discard(key);
    return key !== undefined;
  }

  /**
   * In the switch transaction: the bank row's lock (a dropped bank refuses the switch, and a drop waits for it; one
   * bank's switches take turns, so its document count is exact), then the document's row. Returns the replaced
   * version's object key.
   */
  private async switchRow(
    m: EntityManager,
    bank: BankRef,
    doc: ChunkedDocument,
    key: string,
    generation: string,
    mode: WriteMode,
  ): Promise<string | undefined> {
    const banks = rowsOf<{ id: string }>(await m.query('SELECT id FROM agents.memory_banks WHERE id = $1 FOR UPDATE', [bank.id]));
    if (banks.length === 0) throw bankNotFound(bank.bankUuid);
    const [row] = rowsOf<{ object_key: string }>(
      await m.query('SELECT object_key FROM agents.memory_bank_documents WHERE bank_id = $1 AND document_uuid = $2', [bank.id, doc.uuid]),
    );
    if (!row) {
      if (mode === 'update') throw documentNotFound(bank.bankUuid, doc.uuid, `documents[${doc.index}]`);
      const [{ n }] = rowsOf<{ n: number }>(
        await m.query('SELECT count(*)::int AS n FROM agents.memory_bank_documents WHERE bank_id = $1', [bank.id]),
      );
      const max = this.config.memoryBanks.maxDocumentsPerBank;
      if (n >= max)
        throw PlatformError.invalid(`memory bank "${bank.bankUuid}" already holds ${max} documents, its limit`, `documents[${doc.index}]`);
    }
    await m.query(
      `INSERT INTO agents.memory_bank_documents
         (bank_id, document_uuid, mime_type, metadata, size_bytes, object_key, generation, chunk_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (bank_id, document_uuid) DO UPDATE SET
         mime_type = EXCLUDED.mime_type, metadata = EXCLUDED.metadata, size_bytes = EXCLUDED.size_bytes,
         object_key = EXCLUDED.object_key, generation = EXCLUDED.generation, chunk_count = EXCLUDED.chunk_count,
         updated_at = now()`,
      [bank.id, doc.uuid, doc.mimeType, JSON.stringify(doc.metadata), doc.content.byteLength, key, generation, doc.chunks.length],
    );
    return row?.object_key;
  }

  private async discard(key: string): Promise<void> {
    await this.store.delete(key).catch((err: unknown) => this.log.warn({ err, key }, 'a memory bank document object was left behind'));
  }
}
