import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcErrorPayload } from '../grpc/grpc-error-status';
import { decodeErrorDetails } from './platform-error';
import { platformErrorOfObjectStore } from './object-store-error';

/** The SDK's own error for one call to `endpoint` (one attempt: retries would only repeat it). */
async function sdkErrorOf(endpoint: string, command: GetObjectCommand | HeadObjectCommand): Promise<unknown> {
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts: 1,
  });
  try {
    await s3.send(command);
  } catch (err) {
    return err;
  } finally {
    s3.destroy();
  }
  throw new Error('the call succeeded');
}

describe('object store failures', () => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    // An S3 endpoint that fails every call with the status its path names.
    server = createServer((req, res) => {
      const status = Number(/\/b\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 500);
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        req.method === 'HEAD'
          ? undefined
          : `<Error><Code>${status === 403 ? 'AccessDenied' : 'InternalError'}</Code><Message>x</Message></Error>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('are UNAVAILABLE object_store_unavailable when S3 answers 5xx or cannot be reached', async () => {
    const unreachable = await sdkErrorOf('http://127.0.0.1:9', new HeadObjectCommand({ Bucket: 'b', Key: 'k' }));
    const failing = [
      await sdkErrorOf(endpoint, new GetObjectCommand({ Bucket: 'b', Key: '500' })),
      await sdkErrorOf(endpoint, new HeadObjectCommand({ Bucket: 'b', Key: '503' })),
      unreachable,
    ];
    for (const err of failing)
      expect(platformErrorOfObjectStore(err)).toMatchObject({ grpcCode: GrpcStatus.UNAVAILABLE, code: 'object_store_unavailable' });
    // A gRPC handler answers with it, and logs the cause.
    const lines: string[] = [];
    const logger = pino({}, { write: (line: string) => lines.push(line) });
    const payload = grpcErrorPayload(unreachable, logger);
    expect(payload.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(decodeErrorDetails(payload.details)?.code).toBe('object_store_unavailable');
    expect(lines.join('')).toContain('object store call failed');
  });

  it('leaves S3 refusals (a misconfiguration) and errors of anything else alone', async () => {
    expect(platformErrorOfObjectStore(await sdkErrorOf(endpoint, new GetObjectCommand({ Bucket: 'b', Key: '403' })))).toBeUndefined();
    expect(platformErrorOfObjectStore(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(platformErrorOfObjectStore(undefined)).toBeUndefined();
  });
});
