import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The parts of s3rver 3.7's filesystem store (no types shipped) this file builds on. */
interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}
interface ByteRange {
  start: number;
  end: number;
}
interface S3rverObjectClass {
  new (bucket: string, key: string, content: Readable | null, metadata: Record<string, string | number>): { range?: ByteRange };
  ALLOWED_METADATA: string[];
}
interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<object | null>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  listObjects(bucket: string, options: object): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FilesystemStore: new (root: string) => FilesystemStore = require('s3rver/lib/stores/filesystem');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object: S3rverObjectClass = require('s3rver/lib/models/object');

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** Runs `step` again (3 tries in all) while it fails on a file or directory another request removed under it. */
async function againWhileMissing<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!isMissing(err) || attempt === 3) throw err;
    }
  }
}

/**
 * s3rver's filesystem store with writes no reader sees half done. s3rver writes an object's file, its md5 and its
 * metadata JSON in place (truncate, then write) and answers a PUT before the file is flushed, so a HEAD, GET or LIST
 * that meets a key being rewritten (a job's run log, say) read a cut-off body or failed on half a JSON file with a
 * 500, and a listing failed on a file deleted under its directory walk. Here each file is written in `incoming` (a
 * directory beside the store, on the same filesystem) and renamed into place once complete: metadata and md5 first,
 * the object last, all before the PUT is answered. A listing or a write that meets a file or directory removed under
 * it by another request starts again. A read opens the object's file before it measures it, so the length it sends is
 * that file's (s3rver measured the path, then opened it: a rename between sent the new bytes cut to the old length).
 */
export class AtomicFilesystemStore extends FilesystemStore {
  constructor(
    root: string,
    private readonly incoming: string,
  ) {
    super(root);
    // Left over from a process that stopped mid-write: nothing refers to them.
    rmSync(incoming, { recursive: true, force: true });
    mkdirSync(incoming, { recursive: true });
  }

  override async putObject(object: S3rverObject): Promise<{ size: number; md5: string }> {
    const staged = this.stagingPath();
    const hash = createHash('md5');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
      await pipeline(content, count, createWriteStream(staged));
      const md5 = hash.digest('hex');
      await this.putMetadata(object.bucket, object.key, object.metadata, md5);
      await this.place(staged, this.getResourcePath(object.bucket, object.key, 'object'));
      return { size, md5 };
    } catch (err) {
      await rm(staged, { force: true });
      throw err;
    }
  }

  override async getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<object | null> {
    let file: FileHandle;
    try {
      file = await open(this.getResourcePath(bucket, key, 'object'), 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    let content: Readable | null = null;
    try {
      const [stat, stored] = await Promise.all([file.stat(), this.getMetadata(bucket, key)]);
      const metadata = { ...stored, 'last-modified': stat.mtime.toUTCString(), 'content-length': stat.size };
      const lastByte = Math.max(0, stat.size - 1);
      const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
      const range = { start: options?.start || 0, end: Math.min(options?.end || Infinity, lastByte) };
      // An unsatisfiable range is answered without content, as s3rver does.
      if (range.start >= 0 && range.start <= range.end) content = file.createReadStream({ start: range.start, end: range.end });
      const object = new S3Object(bucket, key, content, metadata);
      if (ranged) object.range = range;
      return object;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    } finally {
      // The stream closes the file once it ends or is destroyed.
      if (!content) await file.close();
    }
  }

  override async putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void> {
    const stored = Object.fromEntries(
      Object.entries(metadata).filter(([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')),
    );
    if (md5) await this.writeFileAtomically(this.getResourcePath(bucket, key, 'object.md5'), md5);
    await this.writeFileAtomically(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(stored, null, 2));
  }

  override async listObjects(bucket: string, options: object): Promise<unknown> {
    return againWhileMissing(() => super.listObjects(bucket, options));
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    try {
      await super.deleteObject(bucket, key);
    } catch (err) {
      // The files are gone (their removal ignores ENOENT); what failed is pruning the emptied directories, which a
      // concurrent delete pruned first or a concurrent write filled again.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw err;
    }
  }

  private stagingPath(): string {
    return join(this.incoming, randomUUID());
  }

  private async writeFileAtomically(target: string, data: string): Promise<void> {
    const staged = this.stagingPath();
    try {
      await writeFile(staged, data);
      await this.place(staged, target);
    } catch (err) {
      await rm(staged, { force: true });
      throw err;
    }
  }

  /** Renames `staged` to `target`, creating its directory again when a concurrent delete pruned it meanwhile. */
  private place(staged: string, target: string): Promise<void> {
    return againWhileMissing(async () => {
      await mkdir(dirname(target), { recursive: true });
      await rename(staged, target);
    });
  }
}
