import type { Readable } from 'node:stream';

/** What a HEAD tells about a stored object; `etag` has its surrounding quotes removed. */
export interface ObjectHead {
  size: number;
  etag: string;
  lastModified: Date;
  /** The media type it was stored with, when one was given. */
  contentType?: string;
}

/**
 * The one storage seam every service codes against, so callers never see the S3 SDK and a test or another
 * backend can stand in for it. Keys are bucket-relative; missing objects reject with ObjectNotFoundError.
 */
export interface ObjectStore {
  /** Stores `body`; a stream of unknown length is uploaded in parts, so it is never held whole in memory. */
  put(key: string, body: Buffer | Readable, contentType?: string): Promise<void>;
  /** Opens the object as a stream; rejects with ObjectNotFoundError before any byte if it does not exist. */
  get(key: string): Promise<Readable>;
  /** Reads the object into memory; rejects with ObjectTooLargeError, without reading it, above `maxBytes`. */
  getBuffer(key: string, maxBytes?: number): Promise<Buffer>;
  /** Size, etag and modification time, or null when there is no such object. */
  head(key: string): Promise<ObjectHead | null>;
  /** Every key starting with `prefix` (after `startAfter`, in the bucket's byte order), page by page as the caller iterates. */
  list(prefix: string, startAfter?: string): AsyncIterable<string>;
  /** Removes the object; removing a missing object is not an error (S3 semantics). */
  delete(key: string): Promise<void>;
  /** Removes every object under `prefix` (which must not be empty) and says how many there were. */
  deletePrefix(prefix: string): Promise<number>;
  exists(key: string): Promise<boolean>;
}
