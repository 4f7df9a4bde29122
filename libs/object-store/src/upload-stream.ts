import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { fixedParts } from './fixed-parts';

export interface StreamUploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  contentType?: string;
  partSize: number;
}

/**
 * Uploads a stream of unknown length. A streamed PutObject would need Content-Length up front (or
 * aws-chunked encoding, which several S3-compatible servers reject), so small streams become one PutObject
 * and larger ones a multipart upload, holding at most two parts in memory. Parts go one at a time: the
 * callers are background jobs where simplicity beats throughput.
 */
export async function uploadStream(target: StreamUploadTarget, body: Readable): Promise<void> {
  const { client, bucket: Bucket, key: Key, contentType: ContentType } = target;
  const parts = fixedParts(body, target.partSize);
  const first = await parts.next();
  const second = first.done ? first : await parts.next();
  if (first.done || second.done) {
    await client.send(new PutObjectCommand({ Bucket, Key, ContentType, Body: first.done ? Buffer.alloc(0) : first.value }));
    return;
  }

  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType }));
  if (!UploadId) throw new Error(`S3 returned no UploadId for ${Key}`);
  try {
    const completed: CompletedPart[] = [];
    const send = async (part: Buffer): Promise<void> => {
      const PartNumber = completed.length + 1;
      const { ETag } = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: part }));
      completed.push({ PartNumber, ETag });
    };
    await send(first.value);
    await send(second.value);
    for await (const part of parts) await send(part);
    await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }));
  } catch (err) {
    // An abandoned multipart upload keeps billing storage until a lifecycle rule reaps it.
    await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    body.destroy();
    throw err;
  }
}
