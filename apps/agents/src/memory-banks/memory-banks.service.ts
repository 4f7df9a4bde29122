import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError, sqlStateOf, type Logger } from '@platform/common';
import type { agentsV1 } from '@platform/contracts';
import type { ObjectStore } from '@platform/object-store';
import type { RetrievalIndex } from '@platform/retrieval';
import { LOGGER, OBJECT_STORE } from '@platform/service';
import type { DataSource } from 'typeorm';
import { AgentsConfig } from '../agents.config';
import { RETRIEVAL_INDEX } from '../agents.tokens';
import { bankNotFound } from './bank-errors';
import { DocumentChunks } from './document-chunks';
import { readDocuments } from './document-reader';
import { DocumentWriter } from './document-writer';
import { EmbeddingModels } from './embedding-model';
import { MemoryBankEntity } from './memory-bank.entity';

export const MAX_BANK_UUID_CHARS = 256;
export const MAX_BANK_NAME_CHARS = 1024;

export interface BankSummary {
  bank: MemoryBankEntity;
  documentCount: number;
  chunkCount: number;
}

/** A project's banks: create (with its first documents), list, find, drop. */
@Injectable()
export class MemoryBanksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(RETRIEVAL_INDEX) private readonly index: RetrievalIndex,
    @Inject(AgentsConfig.token) private readonly config: AgentsConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly models: EmbeddingModels,
    private readonly chunks: DocumentChunks,
    private readonly writer: DocumentWriter,
  ) {}

  /**
   * Checks, extracts, chunks and embeds the documents first (a bad document or a failed inference call creates
   * nothing), then the bank's row, then each document; a failure while writing them drops the bank again.
   */
  async create(req: agentsV1.CreateMemoryBankRequest): Promise<BankSummary> {
    const projectId = requireProject(req.projectId);
    const bankUuid = checkBankUuid(req.bankUuid);
    const name = req.bankName.trim();
    if (!name) throw PlatformError.invalid('bank_name is empty', 'bank_name');
    if (name.length > MAX_BANK_NAME_CHARS)
      throw PlatformError.invalid(`bank_name is longer than ${MAX_BANK_NAME_CHARS} characters`, 'bank_name');
    if (await this.findOrNull(projectId, bankUuid)) throw conflict(bankUuid);
    const { memoryBanks: limits } = this.config;
    const maxDocuments = Math.min(limits.maxDocumentsPerRequest, limits.maxDocumentsPerBank);
    const docs = await readDocuments(req.documents, { ...limits, maxDocuments });
    const embeddingModel = await this.models.forNewBank();
    const chunked = await this.chunks.prepare(projectId, embeddingModel, docs);

    const bank = await this.db.transaction(async (m) => {
      // Banks of one project are counted and inserted one creation at a time.
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`agents.memory_banks|${projectId}`]);
      const count = await m.count(MemoryBankEntity, { where: { projectId } });
      if (count >= limits.maxBanksPerProject)
        throw PlatformError.invalid(`the project already has ${limits.maxBanksPerProject} memory banks, its limit`, 'bank_uuid');
      const row = m.create(MemoryBankEntity, {
        id: randomUUID(),
        projectId,
        bankUuid,
        name,
        embeddingModel,
        createdBy: req.createdBy,
        createdAt: new Date(),
      });
      try {
        return await m.save(row);
      } catch (err) {
        if (sqlStateOf(err) === '23505') throw conflict(bankUuid);
        throw err;
      }
    });
    try {
      for (const doc of chunked) await this.writer.write(bank, doc, 'upsert');
    } catch (err) {
      await this.dropBank(bank).catch((dropErr: unknown) =>
        this.log.warn({ err: dropErr, bankId: bank.id }, 'a bank whose creation failed was not removed'),
      );
      throw err;
    }
    return this.summary(bank);
  }

  async list(projectId: string): Promise<BankSummary[]> {
    const banks = await this.db.getRepository(MemoryBankEntity).find({
      where: { projectId: requireProject(projectId) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const counts = await this.counts(banks.map((b) => b.id));
    return banks.map((bank) => ({ bank, ...(counts.get(bank.id) ?? { documentCount: 0, chunkCount: 0 }) }));
  }

  async find(projectId: string, bankUuid: string, field = 'bank_uuid'): Promise<MemoryBankEntity> {
    const bank = await this.findOrNull(requireProject(projectId), bankUuid);
    if (!bank) throw bankNotFound(bankUuid, field);
    return bank;
  }

  /** Removes the bank's row and documents' rows, then its chunks from both indexes, then its objects. */
  async drop(projectId: string, bankUuid: string): Promise<void> {
    await this.dropBank(await this.find(projectId, bankUuid));
  }

  async summary(bank: MemoryBankEntity): Promise<BankSummary> {
    return { bank, ...((await this.counts([bank.id])).get(bank.id) ?? { documentCount: 0, chunkCount: 0 }) };
  }

  private async dropBank(bank: MemoryBankEntity): Promise<void> {
    // The row goes first: a document switch in flight holds the bank row's lock, and one after it finds no bank.
    await this.db.query('DELETE FROM agents.memory_banks WHERE id = $1', [bank.id]);
    await this.index.deleteCollection(bank.projectId, bank.id);
    await this.store.deletePrefix(this.writer.bankPrefix(bank));
  }

  private findOrNull(projectId: string, bankUuid: string): Promise<MemoryBankEntity | null> {
    return this.db.getRepository(MemoryBankEntity).findOne({ where: { projectId, bankUuid } });
  }

  private async counts(bankIds: string[]): Promise<Map<string, { documentCount: number; chunkCount: number }>> {
    if (bankIds.length === 0) return new Map();
    const rows = (await this.db.query(
      `SELECT bank_id, count(*)::int AS documents, coalesce(sum(chunk_count), 0)::int AS chunks
         FROM agents.memory_bank_documents WHERE bank_id = ANY($1::uuid[]) GROUP BY bank_id`,
      [bankIds],
    )) as { bank_id: string; documents: number; chunks: number }[];
    return new Map(rows.map((r) => [r.bank_id, { documentCount: r.documents, chunkCount: r.chunks }]));
  }
}

export function requireProject(projectId: string): string {
  if (!projectId) throw PlatformError.invalid('project_id is required', 'project_id');
  return projectId;
}

function checkBankUuid(bankUuid: string): string {
  if (!bankUuid.trim()) throw PlatformError.invalid('bank_uuid is empty', 'bank_uuid');
  if (bankUuid.length > MAX_BANK_UUID_CHARS)
    throw PlatformError.invalid(`bank_uuid is longer than ${MAX_BANK_UUID_CHARS} characters`, 'bank_uuid');
  return bankUuid;
}

function conflict(bankUuid: string): PlatformError {
  return PlatformError.conflict(`Memory bank "${bankUuid}" already exists in this project.`, 'bank_uuid');
}
