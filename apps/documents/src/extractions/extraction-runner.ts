import { containerStoragePrefix } from '@platform/common';
import { ExtractionError } from '@platform/extraction';
import type { EventEnvelope } from '@platform/events';
import { failureReason, stopReason, type JobContext } from '@platform/jobs';
import { ObjectNotFoundError, type ObjectStore } from '@platform/object-store';
import type { EntityManager } from 'typeorm';
import { containerIds, rowContainer } from '../container';
import type { DocumentsConfig } from '../documents.config';
import type { DocumentsEventCatalog } from '../documents-events';
import type { ExtractDocument } from './document-extraction';
import { ExtractionEntity, type ExtractionState } from './extraction.entity';
import { referencePath } from './extraction-request';
import { deleteKeys } from './extractions.service';
import { resultFiles, writeResultFiles } from './results-writer';

/** Pages done of the document's total, reported while it is extracted. */
export interface PageProgress {
  done: number;
  total: number;
}

/** A job canceled or taken away between two writes: the signal says which. */
const stopped = (ctx: JobContext<PageProgress>) => (ok: boolean) => {
  if (!ok) ctx.signal.throwIfAborted();
};

/**
 * Runs one text extraction: reads the document (`uploading`), extracts it page by page (`running`, with the pages
 * done), writes every requested output as a whole object (`downloading`), then `downloaded` and `completed`. The keys
 * are recorded on the row before the first object is written, so a failure, a cancel, or a later attempt after a
 * crash deletes exactly what was written; a document the extraction refuses fails the job with its code and a message
 * naming the document.
 */
export class ExtractionRunner {
  constructor(
    private readonly store: ObjectStore,
    private readonly config: DocumentsConfig,
    private readonly events: DocumentsEventCatalog,
    private readonly extract: ExtractDocument,
  ) {}

  /**
   * The runner's progress writer: pages done and the total, and an event saying so. Throttled, so it may land after
   * the job moved on to writing its results; then it is stale and writes nothing.
   */
  readonly progress = async (m: EntityManager, job: ExtractionEntity, p: PageProgress): Promise<EventEnvelope[]> => {
    const res = await m
      .createQueryBuilder()
      .update(ExtractionEntity)
      .set({ pagesProcessed: p.done, totalPages: p.total })
      .where("id = :id AND state = 'running'", { id: job.id })
      .execute();
    return res.affected ? [this.progressEvent(job, 'running', p)] : [];
  };

  /** The event announcing a failure the runner itself records (an unexpected error, too many attempts). */
  failedEvent(job: ExtractionEntity, reason: string): EventEnvelope {
    return this.events.create('documents.extraction.failed', { ...ids(job), status: 'failed', code: 'extraction_failed', reason });
  }

  /** Deletes the result files earlier attempts wrote, when the runner gives up on the job without running it again. */
  async discard(job: ExtractionEntity): Promise<void> {
    await deleteKeys(this.store, job.writtenKeys);
  }

  async run(job: ExtractionEntity, ctx: JobContext<PageProgress>): Promise<void> {
    const check = stopped(ctx);
    let recorded: string[] = [];
    try {
      if (job.writtenKeys.length > 0) {
        // An earlier attempt died while writing: its objects go before this one starts over.
        await deleteKeys(this.store, job.writtenKeys);
        check(await ctx.write((m) => m.update(ExtractionEntity, job.id, { writtenKeys: [] }).then(() => undefined)));
      }
      check(await this.state(ctx, job, 'uploading', { done: 0, total: 0 }));
      const document = await this.read(job);
      check(await this.state(ctx, job, 'running', { done: 0, total: 0 }));
      const doc = await this.extract(document, job.settings, {
        signal: ctx.signal,
        timeoutMs: this.config.extractions.timeoutMs,
        maxBytes: this.config.extractions.maxDocumentBytes,
        maxPages: this.config.extractions.maxPages,
        onProgress: (done, total) => ctx.progress({ done, total }),
      });
      const files = resultFiles(job.resultsKey, job.settings.outputs, doc);
      recorded = files.map((f) => f.key);
      const pages = { done: doc.totalPages, total: doc.totalPages };
      check(await this.state(ctx, job, 'downloading', pages, { writtenKeys: recorded }));
      await writeResultFiles(this.store, files, ctx.signal);
      check(await this.state(ctx, job, 'downloaded', pages));
      const prefix = containerStoragePrefix(rowContainer(job));
      const locations = recorded.map((k) => (k.startsWith(prefix) ? k.slice(prefix.length) : k));
      check(
        await ctx.finish(async (m) => {
          await m.update(ExtractionEntity, job.id, { status: 'completed', state: 'completed', completedAt: () => 'now()', locations });
          return [this.events.create('documents.extraction.completed', { ...ids(job), status: 'completed' })];
        }),
      );
    } catch (err) {
      const reason = stopReason(ctx.signal);
      // Taken over by another worker, or this one shutting down: the next attempt deletes and writes again.
      if (reason === 'lease-lost' || reason === 'shutdown') throw err;
      await deleteKeys(this.store, recorded).catch((e: unknown) => ctx.log.warn({ err: e }, 'deleting the partial results failed'));
      if (reason === 'canceled') return;
      if (err instanceof ExtractionError && err.code !== 'canceled')
        return this.fail(ctx, job, err.code, `${JSON.stringify(documentName(job))}: ${err.message}`);
      if (err instanceof DocumentGone) return this.fail(ctx, job, 'document_not_found', err.message);
      throw err;
    }
  }

  private async read(job: ExtractionEntity): Promise<{ data: Uint8Array; fileName: string; mimeType?: string }> {
    const name = documentName(job);
    const head = await this.store.head(job.documentKey);
    if (!head) throw new DocumentGone(`${JSON.stringify(name)}: no file there any more in the container's storage.`);
    try {
      const data = await this.store.getBuffer(job.documentKey, this.config.extractions.maxDocumentBytes);
      return { data, fileName: job.documentKey.slice(job.documentKey.lastIndexOf('/') + 1), mimeType: head.contentType };
    } catch (err) {
      if (err instanceof ObjectNotFoundError)
        throw new DocumentGone(`${JSON.stringify(name)}: no file there any more in the container's storage.`);
      throw err;
    }
  }

  private state(
    ctx: JobContext<PageProgress>,
    job: ExtractionEntity,
    state: ExtractionState,
    pages: PageProgress,
    extra: Partial<Pick<ExtractionEntity, 'writtenKeys'>> = {},
  ): Promise<boolean> {
    return ctx.write(async (m) => {
      await m.update(ExtractionEntity, job.id, { state, pagesProcessed: pages.done, totalPages: pages.total, ...extra });
      return [this.progressEvent(job, state, pages)];
    });
  }

  private async fail(ctx: JobContext<PageProgress>, job: ExtractionEntity, code: string, message: string): Promise<void> {
    ctx.log.info({ code, reason: message }, 'text extraction failed');
    const reason = failureReason(message);
    await ctx.finish(async (m) => {
      await m.update(ExtractionEntity, job.id, {
        status: 'failed',
        state: 'failed',
        errorCode: code,
        failureReason: reason,
        writtenKeys: [],
        completedAt: () => 'now()',
      });
      return [this.events.create('documents.extraction.failed', { ...ids(job), status: 'failed', code, reason })];
    });
  }

  private progressEvent(job: ExtractionEntity, status: ExtractionState, p: PageProgress): EventEnvelope {
    return this.events.create('documents.extraction.progress', { ...ids(job), status, pagesProcessed: p.done, totalPages: p.total });
  }
}

/** The document vanished from the storage between the create and the run. */
class DocumentGone extends Error {}

const ids = (job: ExtractionEntity) => ({ extractionId: job.id, ...containerIds(rowContainer(job)) });

/** The document as the caller named it, for messages. */
const documentName = (job: ExtractionEntity): string => referencePath(job.request, 'document_reference') || job.documentKey;
