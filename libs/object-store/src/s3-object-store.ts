import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { loadS3Config, type EnvSource, type S3StoreConfig } from './config';
import { addContentMd5ToDeleteObjects } from './content-md5';
import { ObjectNotFoundError, ObjectTooLargeError } from './errors';
import type { ObjectHead, ObjectStore } from './object-store';
import { ByteLimitExceeded, readLimited } from './read-limited';
import { isMissingObjectError } from './sdk-errors';
import { uploadStream } from './upload-stream';

export interface S3ObjectStoreOptions {
  /** Multipart part size for streamed uploads; S3 refuses parts under 5 MiB. Default 8 MiB. */
  partSize?: number;
  /** Keys per ListObjects page (S3 caps it at 1000, which is also the DeleteObjects batch limit). */
  listPageSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MAX_PAGE = 1000;

function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/^"(.*)"$/, '$1');
}

/** ObjectStore over any S3-compatible endpoint. Call close() on shutdown to drop keep-alive sockets. */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly pageSize: number;

  constructor(config: S3StoreConfig, options: S3ObjectStoreOptions = {}) {
    this.bucket = config.bucket;
    this.partSize = Math.max(options.partSize ?? DEFAULT_PART_SIZE, MIN_PART_SIZE);
    this.pageSize = Math.min(Math.max(options.listPageSize ?? MAX_PAGE, 1), MAX_PAGE);
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      credentials: { accessKeyId: config.accessKey, secretAccessKey: config.secretKey },
      // MinIO, IBM COS and s3rver serve buckets as paths; virtual-host style would need wildcard DNS.
      forcePathStyle: true,
      // The SDK's default CRC32 trailers on every upload break several S3-compatible servers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    addContentMd5ToDeleteObjects(this.client);
  }

  async put(key: string, body: Buffer | Readable, contentType?: string): Promise<void> {
    if (Buffer.isBuffer(body)) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
      return;
    }
    await uploadStream({ client: this.client, bucket: this.bucket, key, contentType, partSize: this.partSize }, body);
  }

  async get(key: string): Promise<Readable> {
    return toReadable(await this.getObject(key), key);
  }

  async getBuffer(key: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
    const res = await this.getObject(key);
    const body = toReadable(res, key);
    if (res.ContentLength !== undefined && res.ContentLength > maxBytes) {
      body.destroy(); // aborts the transfer instead of draining a body we will not use
      throw new ObjectTooLargeError(key, res.ContentLength, maxBytes);
    }
    try {
      return await readLimited(body, maxBytes);
    } catch (err) {
      if (err instanceof ByteLimitExceeded) throw new ObjectTooLargeError(key, err.seen, maxBytes);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: res.ContentLength ?? 0,
        etag: stripQuotes(res.ETag),
        lastModified: res.LastModified ?? new Date(0),
        ...(res.ContentType ? { contentType: res.ContentType } : {}),
      };
    } catch (err) {
      if (isMissingObjectError(err)) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async *list(prefix: string, startAfter?: string): AsyncIterable<string> {
    // ListObjects (v1) paged by Marker = last key seen, rather than v2 continuation tokens: every
    // S3-compatible server implements it the same way, and s3rver's v2 tokens need DES, which OpenSSL 3 lacks.
    let marker: string | undefined = startAfter;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, MaxKeys: this.pageSize, Marker: marker }),
      );
      const keys = (page.Contents ?? []).flatMap((item) => (item.Key === undefined ? [] : [item.Key]));
      yield* keys;
      if (!page.IsTruncated || keys.length === 0) return;
      marker = keys[keys.length - 1];
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    // An empty prefix would wipe the shared bucket; no caller has a reason to want that.
    if (prefix === '') throw new Error('deletePrefix refuses an empty prefix');
    let deleted = 0;
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      const Objects = batch.map((Key) => ({ Key }));
      batch = [];
      const res = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }));
      const failed = res.Errors ?? [];
      if (failed.length > 0)
        throw new Error(`deletePrefix ${prefix}: could not delete ${failed[0].Key}: ${failed[0].Code} ${failed[0].Message}`);
      deleted += Objects.length;
    };
    // Marker paging is by key, so deleting what was already listed does not disturb the listing.
    for await (const key of this.list(prefix)) {
      batch.push(key);
      if (batch.length === MAX_PAGE) await flush();
    }
    if (batch.length > 0) await flush();
    return deleted;
  }

  /** Drops pooled sockets so that a shutting-down process (or a test server) is not held open. */
  close(): void {
    this.client.destroy();
  }

  private async getObject(key: string): Promise<GetObjectCommandOutput> {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isMissingObjectError(err)) throw new ObjectNotFoundError(key, this.bucket, { cause: err });
      throw err;
    }
  }
}

function toReadable(res: GetObjectCommandOutput, key: string): Readable {
  // In Node the SDK body is an IncomingMessage; anything else means a browser/edge runtime we do not support.
  if (res.Body instanceof Readable) return res.Body;
  throw new Error(`S3 body for ${key} is not a Node stream`);
}

/** The store the services use, configured from PLATFORM_S3_* variables. */
export function createObjectStoreFromEnv(env: EnvSource = process.env, options?: S3ObjectStoreOptions): S3ObjectStore {
  return new S3ObjectStore(loadS3Config(env), options);
}
