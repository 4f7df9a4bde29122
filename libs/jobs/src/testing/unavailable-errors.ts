import { createServer } from 'node:net';
import { Client as GrpcClient, credentials, type ServiceError } from '@grpc/grpc-js';
import { Client as PgClient } from 'pg';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** The error a real gRPC call to a stopped service gets (UNAVAILABLE). */
export async function grpcCallToStoppedService(): Promise<ServiceError> {
  const client = new GrpcClient(`127.0.0.1:${await closedPort()}`, credentials.createInsecure());
  try {
    return await new Promise<ServiceError>((resolve, reject) =>
      client.makeUnaryRequest(
        '/test.Service/Call',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        { deadline: Date.now() + 10_000 },
        (err) => (err ? resolve(err) : reject(new Error('the call succeeded'))),
      ),
    );
  } finally {
    client.close();
  }
}

/** The error a real PostgreSQL client gets from a stopped server (ECONNREFUSED). */
export async function connectToStoppedDatabase(): Promise<Error> {
  const db = new PgClient({ host: '127.0.0.1', port: await closedPort(), user: 'postgres', connectionTimeoutMillis: 10_000 });
  return db.connect().then(
    () => Promise.reject(new Error('connected')),
    (err: Error) => err,
  );
}
