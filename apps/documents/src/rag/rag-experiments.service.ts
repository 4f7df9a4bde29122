import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  NEWEST_FIRST,
  PlatformError,
  dataReferenceKey,
  isIssuedId,
  keysetPage,
  type Page,
  type PageRequest,
  type StorageContainer,
  requestContainer,
} from '@platform/common';
import type { documentsV1 } from '@platform/contracts';
import { enqueueEvents, OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import { OBJECT_STORE } from '@platform/service';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { DocumentsConfig } from '../documents.config';
import { documentsEventCatalog, type DocumentsEventCatalog } from '../documents-events';
import { DOCUMENTS_CONFIG, DOCUMENTS_SCHEMA } from '../documents.tokens';
import { requestEntity } from '../extractions/extraction-request';
import {
  MAX_TEST_DATA_BYTES,
  TEST_DATA_FIELD,
  experimentLocation,
  parseRagParameters,
  parseTestData,
  type RagQuestion,
} from './evaluation';
import { deleteKeys, experimentKeys } from './rag-artifacts';
import { RagExperimentEntity, type RagInputDocument } from './rag-experiment.entity';
import { ragIds, ragJobCatalog, type RagJobCatalog } from './rag-events';
import { RagIndex } from './rag-index';
import { RagInference } from './rag-inference';
import {
  MAX_INPUT_DOCUMENTS,
  MAX_INPUT_REFERENCES,
  checkDescriptive,
  checkVectorStoreReferences,
  pathOf,
  referenceAt,
  referencesAt,
  resultsDirectoryKey,
  withResultLocation,
} from './rag-request';

const UNFINISHED = ['queued', 'running'];

export const experimentNotFound = (id: string) =>
  PlatformError.notFound(`AutoAI RAG experiment ${id} was not found.`, 'autoai_rag_not_found');

/**
 * The API side of AutoAI RAG experiments. A create checks everything it can before anything is written: the
 * references (inside the container's storage; every input document present and within the size limit; the test data
 * read and each question checked against the input documents' names), the vector store (only the embedded one), the
 * constraints against the inference catalog; then it writes the row and its queue message in one transaction.
 */
@Injectable()
export class RagExperimentsService {
  private readonly events: DocumentsEventCatalog;
  private readonly queue: RagJobCatalog;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    private readonly relay: OutboxRelay,
    private readonly inference: RagInference,
    private readonly index: RagIndex,
  ) {
    this.events = documentsEventCatalog(config.eventsPrefix);
    this.queue = ragJobCatalog(config.jobs.prefix);
  }

  async create(req: documentsV1.CreateRagExperimentRequest): Promise<RagExperimentEntity> {
    const container = requestContainer(req);
    checkDescriptive(req);
    const entity = requestEntity(req.requestJson);
    checkVectorStoreReferences(entity);
    const inputs = referencesAt(entity, 'input_data_references', 1, MAX_INPUT_REFERENCES);
    const tests = referencesAt(entity, 'test_data_references', 1, 1);
    const results = resultsDirectoryKey(container, entity);
    const documents = await this.inputDocuments(container, inputs);
    const questions = await this.testData(container, tests[0], documents);
    const parameters = parseRagParameters(entity.parameters, await this.inference.catalog());
    const id = randomUUID();
    const row = this.db.getRepository(RagExperimentEntity).create({
      id,
      projectId: container.projectId ?? null,
      spaceId: container.spaceId ?? null,
      name: req.name,
      description: req.description,
      tags: [...req.tags],
      createdBy: req.createdBy,
      request: withResultLocation(entity, { ...experimentLocation(results.path, id) }),
      parameters,
      documents,
      questions,
      resultsKey: `${results.key}${id}/`,
      status: 'queued',
      state: 'pending',
      step: '',
      messageLevel: 'info',
      messageText: 'The AutoAI RAG experiment is queued.',
      results: [],
      writtenKeys: [],
      indexes: [],
    });
    await this.db.transaction(async (m) => {
      await m.getRepository(RagExperimentEntity).save(row);
      await enqueueEvents(m, DOCUMENTS_SCHEMA, [
        this.queue.create('documents.rag.run', { experimentId: id }),
        this.events.create('documents.rag.created', { ...ragIds(row), state: 'pending' }),
      ]);
    });
    this.relay.nudge();
    return this.get({ ...req, id });
  }

  /** Newest first. */
  list(req: { projectId: string; spaceId: string }, page: PageRequest): Promise<Page<RagExperimentEntity>> {
    return keysetPage(this.scoped(requestContainer(req)), NEWEST_FIRST('x'), page);
  }

  async get(req: { projectId: string; spaceId: string; id: string }): Promise<RagExperimentEntity> {
    const container = requestContainer(req);
    const row = isIssuedId(req.id) ? await this.scoped(container).andWhere('x.id = :id', { id: req.id }).getOne() : null;
    if (!row) throw experimentNotFound(req.id);
    return row;
  }

  /**
   * Cancels the experiment if it still runs (state `canceled`; its pattern files and indexes removed, its status and
   * log kept); with `hardDelete` the experiment, its indexes and every file under its results directory go too. A
   * worker running it stops at its next write or at the cancel notice.
   */
  async delete(req: documentsV1.DeleteRagExperimentRequest): Promise<void> {
    const found = await this.get(req);
    const row = await this.db.transaction(async (m) => {
      const repo = m.getRepository(RagExperimentEntity);
      const locked = await repo.findOne({ where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      if (!locked) throw experimentNotFound(req.id);
      const events = [];
      if (UNFINISHED.includes(locked.status)) {
        events.push(this.events.create('documents.rag.canceled', { ...ragIds(locked), state: 'canceled' }));
        await repo.update(locked.id, {
          status: 'canceled',
          state: 'canceled',
          messageLevel: 'info',
          messageText: 'The AutoAI RAG experiment was canceled.',
          results: [],
          writtenKeys: [],
          indexes: [],
          completedAt: () => 'now()',
          leaseOwner: null,
          leaseExpiresAt: null,
        });
      }
      if (req.hardDelete) {
        await repo.delete(locked.id);
        events.push(this.events.create('documents.rag.deleted', { ...ragIds(locked), state: locked.state }));
      }
      await enqueueEvents(m, DOCUMENTS_SCHEMA, events);
      return { ...locked, canceled: UNFINISHED.includes(locked.status) };
    });
    this.relay.nudge();
    if (row.canceled || req.hardDelete) {
      await deleteKeys(this.store, row.writtenKeys);
      for (const r of row.indexes) await this.index.drop(r);
    }
    if (req.hardDelete) await this.store.deletePrefix(experimentKeys(row.resultsKey).root);
  }

  /** Every input document: a file, or every file under a directory reference ("…/"); ids (file names) are unique. */
  private async inputDocuments(container: StorageContainer, refs: readonly unknown[]): Promise<RagInputDocument[]> {
    const documents: RagInputDocument[] = [];
    const seen = new Map<string, string>();
    const max = this.config.extractions.maxDocumentBytes;
    for (const [i, value] of refs.entries()) {
      const field = `input_data_references[${i}]`;
      const ref = referenceAt(value, field);
      const key = dataReferenceKey(container, ref, field);
      const path = JSON.stringify(pathOf(ref));
      const files: string[] = [];
      if (key.endsWith('/')) {
        for await (const k of this.store.list(key)) {
          if (k.endsWith('/')) continue;
          files.push(k);
          if (documents.length + files.length > MAX_INPUT_DOCUMENTS)
            throw PlatformError.invalid(`${field}: the input documents number more than ${MAX_INPUT_DOCUMENTS}.`, field);
        }
        if (files.length === 0) throw PlatformError.invalid(`${field}: no files under ${path} in the container's storage.`, field);
      } else files.push(key);
      for (const file of files) {
        const head = await this.store.head(file);
        const shown = key.endsWith('/') ? JSON.stringify(pathOf(ref).replace(/\/?$/, '/') + file.slice(key.length)) : path;
        if (!head) throw PlatformError.invalid(`${field}: no file at ${shown} in the container's storage.`, field);
        if (head.size === 0) throw PlatformError.invalid(`${field}: ${shown} is empty.`, field);
        if (head.size > max) throw PlatformError.invalid(`${field}: ${shown} is ${head.size} bytes; at most ${max} are read.`, field);
        const documentId = file.slice(file.lastIndexOf('/') + 1);
        const earlier = seen.get(documentId);
        if (earlier)
          throw PlatformError.invalid(
            `${field}: two input documents are named ${JSON.stringify(documentId)} (also in ${earlier}); test questions name documents by file name.`,
            field,
          );
        seen.set(documentId, field);
        if (documents.length >= MAX_INPUT_DOCUMENTS)
          throw PlatformError.invalid(`${field}: the input documents number more than ${MAX_INPUT_DOCUMENTS}.`, field);
        documents.push({ key: file, documentId });
      }
    }
    return documents;
  }

  /** The test data file read and every question checked (INVALID_ARGUMENT naming test_data_references[0] and the item). */
  private async testData(container: StorageContainer, value: unknown, documents: readonly RagInputDocument[]): Promise<RagQuestion[]> {
    const ref = referenceAt(value, TEST_DATA_FIELD);
    const key = dataReferenceKey(container, ref, TEST_DATA_FIELD);
    const path = JSON.stringify(pathOf(ref));
    if (key.endsWith('/')) throw PlatformError.invalid(`${TEST_DATA_FIELD} must name a JSON file, not a directory.`, TEST_DATA_FIELD);
    const head = await this.store.head(key);
    if (!head) throw PlatformError.invalid(`${TEST_DATA_FIELD}: no file at ${path} in the container's storage.`, TEST_DATA_FIELD);
    if (head.size > MAX_TEST_DATA_BYTES)
      throw PlatformError.invalid(
        `${TEST_DATA_FIELD}: ${path} is ${head.size} bytes; at most ${MAX_TEST_DATA_BYTES} are read.`,
        TEST_DATA_FIELD,
      );
    const content = await this.store.getBuffer(key, MAX_TEST_DATA_BYTES);
    return parseTestData(content, new Set(documents.map((d) => d.documentId)));
  }

  private scoped(c: StorageContainer): SelectQueryBuilder<RagExperimentEntity> {
    const q = this.db.getRepository(RagExperimentEntity).createQueryBuilder('x');
    return c.projectId
      ? q.where('x.project_id = :projectId', { projectId: c.projectId })
      : q.where('x.space_id = :spaceId', { spaceId: c.spaceId });
  }
}
