import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  NEWEST_FIRST,
  PlatformError,
  isIssuedId,
  keysetPage,
  type Page,
  type PageRequest,
  type StorageContainer,
  requestContainer,
} from '@platform/common';
import type { documentsV1 } from '@platform/contracts';
import { enqueueEvents, OutboxRelay } from '@platform/events';
import { ExtractionError, resolveDocumentType } from '@platform/extraction';
import type { ObjectStore } from '@platform/object-store';
import { LOGGER, OBJECT_STORE } from '@platform/service';
import type { Logger } from '@platform/common';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { containerIds, rowContainer } from '../container';
import type { DocumentsConfig } from '../documents.config';
import { documentsEventCatalog, documentsJobCatalog, type DocumentsEventCatalog, type DocumentsJobCatalog } from '../documents-events';
import { DOCUMENTS_CONFIG, DOCUMENTS_SCHEMA } from '../documents.tokens';
import { ExtractionEntity } from './extraction.entity';
import { MAX_NAME_CHARS, referenceKeys, referencePath, requestEntity } from './extraction-request';
import { outputKey, resultsLayout } from './extraction-outputs';
import { extractionSettings } from './extraction-settings';

const UNFINISHED = ['queued', 'running'];

/**
 * The API side of text extractions. A create checks everything it can before anything is written (the request's
 * fields, both references inside the container's storage, the document's presence, size and type), then writes the
 * row and its queue message in one transaction; the worker (extraction-runner.ts) does the rest.
 */
@Injectable()
export class ExtractionsService {
  private readonly events: DocumentsEventCatalog;
  private readonly queue: DocumentsJobCatalog;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(DOCUMENTS_CONFIG) private readonly config: DocumentsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly relay: OutboxRelay,
  ) {
    this.events = documentsEventCatalog(config.eventsPrefix);
    this.queue = documentsJobCatalog(config.jobs.prefix);
  }

  async create(req: documentsV1.CreateExtractionRequest): Promise<ExtractionEntity> {
    const container = requestContainer(req);
    if (req.name.length > MAX_NAME_CHARS) throw PlatformError.invalid(`name must be at most ${MAX_NAME_CHARS} characters.`, 'name');
    const entity = requestEntity(req.requestJson);
    const { documentKey, resultsKey } = referenceKeys(container, entity);
    const settings = extractionSettings(entity);
    const layout = resultsLayout(resultsKey, settings.outputs);
    const writes = settings.outputs.map((o) => outputKey(layout, o));
    if (
      writes.includes(documentKey) ||
      `${documentKey}/` === layout.key ||
      writes.some((k) => k.endsWith('/') && documentKey.startsWith(k))
    )
      throw PlatformError.invalid(
        'results_reference must not name the document itself: the results would overwrite it.',
        'results_reference',
      );
    await this.checkDocument(documentKey, referencePath(entity, 'document_reference'));
    const row = this.db.getRepository(ExtractionEntity).create({
      id: randomUUID(),
      projectId: container.projectId ?? null,
      spaceId: container.spaceId ?? null,
      name: req.name,
      createdBy: req.createdBy,
      request: entity,
      documentKey,
      resultsKey,
      settings,
      status: 'queued',
      state: 'submitted',
      writtenKeys: [],
      locations: [],
    });
    await this.db.transaction(async (m) => {
      await m.getRepository(ExtractionEntity).save(row);
      await enqueueEvents(m, DOCUMENTS_SCHEMA, [
        this.queue.create('documents.extraction.run', { extractionId: row.id }),
        this.events.create('documents.extraction.created', { extractionId: row.id, ...containerIds(container), status: 'submitted' }),
      ]);
    });
    this.relay.nudge();
    return this.get({ ...req, id: row.id });
  }

  /** Newest first; extractions past the retention period are gone. */
  list(req: { projectId: string; spaceId: string }, page: PageRequest): Promise<Page<ExtractionEntity>> {
    return keysetPage(this.scoped(requestContainer(req)), NEWEST_FIRST('x'), page);
  }

  async get(req: { projectId: string; spaceId: string; id: string }): Promise<ExtractionEntity> {
    const container = requestContainer(req);
    const row = isIssuedId(req.id) ? await this.scoped(container).andWhere('x.id = :id', { id: req.id }).getOne() : null;
    if (!row) throw PlatformError.notFound(`Text extraction ${req.id} was not found.`, 'text_extraction_not_found');
    return row;
  }

  /**
   * Cancels the job if it still runs (failed, error `canceled`) and deletes the results it wrote; with `hardDelete` the
   * job itself goes too. A worker still running it notices at its next write (and the cancel notice) and stops.
   */
  async delete(req: documentsV1.DeleteExtractionRequest): Promise<void> {
    const found = await this.get(req);
    const keys = await this.db.transaction(async (m) => {
      const row = await m.getRepository(ExtractionEntity).findOne({ where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw PlatformError.notFound(`Text extraction ${req.id} was not found.`, 'text_extraction_not_found');
      const ids = { extractionId: row.id, ...containerIds(rowContainer(row)) };
      const events = [];
      if (UNFINISHED.includes(row.status)) {
        events.push(this.events.create('documents.extraction.canceled', { ...ids, status: 'failed' }));
        await m.getRepository(ExtractionEntity).update(row.id, {
          status: 'canceled',
          state: 'failed',
          errorCode: 'canceled',
          failureReason: 'The text extraction was canceled.',
          completedAt: () => 'now()',
          leaseOwner: null,
          leaseExpiresAt: null,
        });
      }
      if (req.hardDelete) {
        await m.getRepository(ExtractionEntity).delete(row.id);
        events.push(this.events.create('documents.extraction.deleted', { ...ids, status: row.state }));
      } else {
        await m.getRepository(ExtractionEntity).update(row.id, { writtenKeys: [], locations: [] });
      }
      await enqueueEvents(m, DOCUMENTS_SCHEMA, events);
      return row.writtenKeys;
    });
    this.relay.nudge();
    await deleteKeys(this.store, await this.keysNotRewritten(found, keys));
  }

  /**
   * Deletes up to `limit` extractions older than the retention period, with their results; says how many. Rows
   * being swept by another instance are skipped.
   */
  async sweepExpired(limit = 100): Promise<number> {
    const expired = await this.db.transaction(async (m) => {
      const rows = (await m.query(
        `DELETE FROM ${DOCUMENTS_SCHEMA}.text_extractions
          WHERE id IN (SELECT id FROM ${DOCUMENTS_SCHEMA}.text_extractions
                        WHERE created_at < now() - ($1 * interval '1 hour')
                        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING id, project_id, space_id, state, written_keys, created_at`,
        [this.config.extractions.retentionHours, limit],
      )) as [ExpiredRow[], number];
      const deleted = rows[0];
      await enqueueDeleted(m, this.events, deleted);
      return deleted;
    });
    if (expired.length === 0) return 0;
    this.relay.nudge();
    for (const row of expired)
      await deleteKeys(this.store, await this.keysNotRewritten({ id: row.id, createdAt: row.created_at }, row.written_keys)).catch(
        (err: unknown) => this.logger.warn({ err, extraction: row.id }, 'expired extraction: deleting its results failed'),
      );
    return expired.length;
  }

  /**
   * The document must exist, hold something, stay within the size limit, and be of a type the extraction reads by its
   * stored media type or its extension (a file with neither is told by its bytes when the job runs).
   */
  private async checkDocument(key: string, path: string): Promise<void> {
    const field = 'document_reference';
    const head = await this.store.head(key);
    if (!head) throw PlatformError.invalid(`document_reference: no file at ${JSON.stringify(path)} in the container's storage.`, field);
    if (head.size === 0) throw PlatformError.invalid(`document_reference: ${JSON.stringify(path)} is empty.`, field);
    const max = this.config.extractions.maxDocumentBytes;
    if (head.size > max)
      throw PlatformError.invalid(`document_reference: ${JSON.stringify(path)} is ${head.size} bytes; at most ${max} are read.`, field);
    try {
      resolveDocumentType({ data: new Uint8Array(0), fileName: key.slice(key.lastIndexOf('/') + 1), mimeType: head.contentType });
    } catch (err) {
      if (err instanceof ExtractionError)
        throw PlatformError.invalid(`document_reference: ${JSON.stringify(path)}: ${err.message}.`, field);
      throw err;
    }
  }

  /**
   * The keys of an extraction's results that no later extraction wrote as well: results references are the caller's
   * paths, and a later job writing the same file owns it now, so deleting the older job leaves that file alone.
   */
  private async keysNotRewritten(row: Pick<ExtractionEntity, 'id' | 'createdAt'>, keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = (await this.db.query(
      `SELECT k FROM jsonb_array_elements_text($2::jsonb) AS k
        WHERE NOT EXISTS (SELECT 1 FROM ${DOCUMENTS_SCHEMA}.text_extractions o
                           WHERE o.id <> $1 AND o.created_at > $3 AND (o.written_keys ? k))`,
      [row.id, JSON.stringify(keys), row.createdAt],
    )) as { k: string }[];
    return rows.map((r) => r.k);
  }

  private scoped(c: StorageContainer): SelectQueryBuilder<ExtractionEntity> {
    const q = this.db
      .getRepository(ExtractionEntity)
      .createQueryBuilder('x')
      .where("x.created_at >= now() - (CAST(:hours AS int) * interval '1 hour')", { hours: this.config.extractions.retentionHours });
    return c.projectId
      ? q.andWhere('x.project_id = :projectId', { projectId: c.projectId })
      : q.andWhere('x.space_id = :spaceId', { spaceId: c.spaceId });
  }
}

interface ExpiredRow {
  id: string;
  project_id: string | null;
  space_id: string | null;
  state: string;
  written_keys: string[];
  created_at: Date;
}

async function enqueueDeleted(
  m: EntityManager,
  events: DocumentsEventCatalog,
  rows: readonly { id: string; project_id: string | null; space_id: string | null; state: string }[],
): Promise<void> {
  await enqueueEvents(
    m,
    DOCUMENTS_SCHEMA,
    rows.map((r) =>
      events.create('documents.extraction.deleted', {
        extractionId: r.id,
        ...containerIds(rowContainer({ projectId: r.project_id, spaceId: r.space_id })),
        status: r.state,
      }),
    ),
  );
}

/** Removes written results, key by key: only what a run wrote, never other files beside them. */
export async function deleteKeys(store: ObjectStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) await store.delete(key);
}
