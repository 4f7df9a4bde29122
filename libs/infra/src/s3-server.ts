import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { AtomicFilesystemStore } from './s3rver-store';
// s3rver ships no types; its account registry is how extra key pairs are accepted.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AWSAccount = require('s3rver/lib/models/account');

export interface S3ServerOptions {
  port: number;
  directory: string;
  accessKey: string;
  secretKey: string;
  buckets: string[];
}

export interface S3Server {
  endpoint: string;
  stop(): Promise<void>;
}

/** Runs a real S3-compatible server (s3rver) that accepts only the given key pair. */
export async function startS3(opts: S3ServerOptions): Promise<S3Server> {
  mkdirSync(opts.directory, { recursive: true });
  const dummy = AWSAccount.DUMMY_ACCOUNT;
  dummy.revokeAccessKey('S3RVER');
  dummy.createKeyPair(opts.accessKey, opts.secretKey);
  const server = new S3rver({
    port: opts.port,
    address: '127.0.0.1',
    directory: opts.directory,
    silent: true,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  server.store = server.context.store = new AtomicFilesystemStore(opts.directory, `${opts.directory}.incoming`);
  await server.run();
  const http: Server = server.httpServer;
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    stop: async () => {
      const closed = server.close();
      http.closeAllConnections(); // keep-alive sockets of SDK clients would hold close() open
      await closed;
    },
  };
}
