import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { S3StoreConfig } from '@platform/object-store';
import { UsageError } from './usage-error';

/** The seed's default location: `taxonomies/taxonomy-<current_time>.tar.gz` (milliseconds keep quick reruns apart). */
export function defaultTaxonomyPath(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `taxonomies/taxonomy-${stamp}.tar.gz`;
}

export async function assertReadableFile(file: string): Promise<number> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new UsageError(`--file ${file} is not a readable file.`);
  return info.size;
}

/** Streams a local file into the bucket, as any S3 client would put a taxonomy tarball into IBM COS. */
export async function uploadFile(s3: S3StoreConfig, file: string, key: string): Promise<void> {
  // The SDK warns on Node 20 about its releases of 2027; nothing a CLI user can act on, on every upload.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded here so verbs that upload nothing do not pay for the AWS SDK at start-up.
  const { S3ObjectStore } = await import('@platform/object-store');
  const store = new S3ObjectStore(s3);
  try {
    await store.put(key, createReadStream(file), 'application/gzip');
  } catch (err) {
    throw new UploadError(`Uploading ${file} to s3://${s3.bucket}/${key} at ${s3.endpoint} failed: ${describeS3Error(err)}`);
  } finally {
    store.close();
  }
}

export class UploadError extends Error {
  override readonly name = 'UploadError';
}

function describeS3Error(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return `${e.message || e.name || String(err)}${status ? ` (HTTP ${status})` : ''}`;
}
