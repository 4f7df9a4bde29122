import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';

interface SerializedRequest {
  headers: Record<string, string>;
  body?: unknown;
}

function isSerializedRequest(value: unknown): value is SerializedRequest {
  return typeof value === 'object' && value !== null && typeof (value as { headers?: unknown }).headers === 'object';
}

/**
 * DeleteObjects must carry an integrity header. Recent SDKs send only x-amz-checksum-crc32, which AWS
 * accepts but IBM COS and older MinIO do not: they insist on Content-MD5. Adding it is harmless for AWS.
 */
export function addContentMd5ToDeleteObjects(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request: unknown = args.request;
      if (context.commandName === 'DeleteObjectsCommand' && isSerializedRequest(request)) {
        const body = request.body;
        if (typeof body === 'string' || body instanceof Uint8Array) {
          request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
        }
      }
      return next(args);
    },
    { step: 'build', name: 'platformContentMd5ForDeleteObjects' },
  );
}
