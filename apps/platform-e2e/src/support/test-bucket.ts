import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';

/** An S3 client of the shared test object store (the bucket is `inject('s3').bucket`); the caller destroys it. */
export function testBucketClient(): S3Client {
  const s3 = inject('s3');
  return new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  });
}

/** Puts an object into the test S3 bucket, as a user uploading a taxonomy with any S3 client would. */
export async function uploadToTestBucket(key: string, body: Buffer): Promise<string> {
  const client = testBucketClient();
  try {
    await client.send(new PutObjectCommand({ Bucket: inject('s3').bucket, Key: key, Body: body }));
  } finally {
    client.destroy();
  }
  return key;
}
