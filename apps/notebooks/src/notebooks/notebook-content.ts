import { randomUUID } from 'node:crypto';
import { PlatformError, type Logger } from '@platform/common';
import { ObjectNotFoundError, ObjectTooLargeError, type ObjectStore } from '@platform/object-store';

const IPYNB = 'application/x-ipynb+json';

/**
 * Notebook content in the object store, under `<prefix><notebook_guid>/`: the current `.ipynb` at
 * `content/<uuid>.ipynb` (a new key for every change, so the row switches atomically from one whole object to the
 * next) and each version at `versions/<version_guid>.ipynb`.
 */
export class NotebookContent {
  constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
    readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  /** Where the service's own objects live: file references may not point there. */
  get contentPrefix(): string {
    return this.prefix;
  }

  newCurrentKey(notebookId: string): string {
    return `${this.prefix}${notebookId}/content/${randomUUID()}.ipynb`;
  }

  versionKey(notebookId: string, versionId: string): string {
    return `${this.prefix}${notebookId}/versions/${versionId}.ipynb`;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await this.store.put(key, bytes, IPYNB);
  }

  /** One of the service's own objects; NOT_FOUND `notFound` when it is gone (deleted meanwhile). */
  async read(key: string, notFound: () => PlatformError): Promise<Buffer> {
    try {
      return await this.store.getBuffer(key, this.maxBytes);
    } catch (e) {
      if (e instanceof ObjectNotFoundError) throw notFound();
      throw e;
    }
  }

  /** A file of the container's storage that a request names: missing or too large is the caller's mistake. */
  async readReference(path: string): Promise<Buffer> {
    try {
      return await this.store.getBuffer(path, this.maxBytes);
    } catch (e) {
      if (e instanceof ObjectNotFoundError)
        throw PlatformError.invalid(`file_reference ${path} names no file in the storage.`, 'file_reference');
      if (e instanceof ObjectTooLargeError)
        throw PlatformError.invalid(
          `file_reference ${path} is larger than the ${this.maxBytes} bytes a notebook may have.`,
          'file_reference',
        );
      throw e;
    }
  }

  /** Removes objects that no row points at any more; a failure is logged, not thrown (the change itself is done). */
  async discard(...keys: string[]): Promise<void> {
    for (const key of keys)
      await this.store.delete(key).catch((err: unknown) => this.log.warn({ err, key }, 'could not delete a notebook object no row uses'));
  }

  /** Every object of a deleted notebook. */
  async discardNotebook(notebookId: string): Promise<void> {
    await this.store
      .deletePrefix(`${this.prefix}${notebookId}/`)
      .catch((err: unknown) => this.log.warn({ err, notebookId }, 'could not delete the objects of a deleted notebook'));
  }
}
