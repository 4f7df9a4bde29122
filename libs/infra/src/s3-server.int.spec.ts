import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './ports';
import { startS3, type S3Server } from './s3-server';

const BUCKET = 'b';
const KEY = 'trained_models/job/logs/run.jsonl';

/** Version v's body: its number at both ends around a length that changes with v, so a cut-off copy shows. */
const body = (v: number) => `${v}:${'x'.repeat(64 * 1024 + (v % 7) * 8192)}:${v}`;
const whole = (text: string) => {
  const v = Number(text.slice(0, text.indexOf(':')));
  return Number.isInteger(v) && text === body(v);
};

describe('the embedded S3 server under concurrent writes', () => {
  let dir: string;
  let server: S3Server;
  let s3: S3Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 's3-server-spec-'));
    server = await startS3({
      port: await freePort(),
      directory: join(dir, 's3'),
      accessKey: 'spec-key',
      secretKey: 'spec-secret',
      buckets: [BUCKET],
    });
    // One attempt per call: the SDK's retries would hide a server that answers 500 now and then.
    s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'spec-key', secretAccessKey: 'spec-secret' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never shows a reader an object or its metadata half written, nor answers a listing with a 500', async () => {
    let version = 0;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: body(version), ContentType: 'application/x-ndjson' }));
    let writing = true;
    const writer = (async () => {
      while (writing) {
        version++;
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: body(version), ContentType: 'application/x-ndjson' }));
        // A sibling that comes and goes, as checkpoints do: its directory is created and removed under the listing.
        const sibling = `trained_models/job/checkpoints/${version % 3}/weights.bin`;
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: sibling, Body: 'w' }));
        await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: sibling }));
      }
    })();
    const failures: string[] = [];
    let rounds = 0;
    const reader = async () => {
      while (writing) {
        try {
          const listed = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'trained_models/job/' }));
          expect(listed.Contents?.some((o) => o.Key === KEY)).toBe(true);
          const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }));
          expect(head.ContentType).toBe('application/x-ndjson');
          const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
          const text = (await got.Body?.transformToString()) ?? '';
          if (!whole(text)) failures.push(`torn read: ${text.length} bytes, starting ${text.slice(0, 12)}`);
          rounds++;
        } catch (err) {
          failures.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        }
      }
    };
    const readers = Promise.all([reader(), reader(), reader()]);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    writing = false;
    await Promise.all([writer, readers]);
    expect(failures.slice(0, 5)).toEqual([]);
    // Enough of both to overlap: before the store wrote atomically, the first few dozen rounds failed.
    expect(rounds).toBeGreaterThan(20);
    expect(version).toBeGreaterThan(10);
  });
});
