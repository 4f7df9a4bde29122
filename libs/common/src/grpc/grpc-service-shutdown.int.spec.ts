import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  credentials,
  loadPackageDefinition,
  status,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_FILES } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { waitFor } from '@platform/test-fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { grpcLoaderOptions } from './grpc-loader-options';

const ROOT = resolve(__dirname, '../../../..');
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface InferenceClient {
  ListModels(req: object, done: (err: ServiceError | null, res?: object) => void): void;
  GenerateStream(req: object): NodeJS.EventEmitter;
  close(): void;
}

/** testing/slow-grpc-service.ts as a process of its own, as the launcher or a pod runs a service. */
async function startSlowService(drainTimeoutMs: number) {
  const [grpcPort, opsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/common/src/grpc/testing/slow-grpc-service.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      PLATFORM_DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
      SLOW_GRPC_PORT: String(grpcPort),
      SLOW_OPS_PORT: String(opsPort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  const logged: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) logged.push((JSON.parse(line) as { msg: string }).msg);
  });
  const gone = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  // Its exit code, or 'still running' 20 s on: a drain that waits forever fails here rather than at the test's timeout.
  const exited = () => Promise.race([gone, new Promise((late) => setTimeout(() => late('still running'), 20_000).unref())]);
  const seen = (msg: string, timeoutMs = 15_000) =>
    waitFor(() => logged.includes(msg), timeoutMs).catch(() => Promise.reject(new Error(`no "${msg}" in: ${logged.join(', ')}`)));
  await seen('slow service ready', 60_000);
  const pkg = loadPackageDefinition(loadSync(PROTO_FILES.inference, grpcLoaderOptions)) as unknown as {
    inference: { v1: GrpcObject & { InferenceService: ServiceClientConstructor } };
  };
  const client = new pkg.inference.v1.InferenceService(`127.0.0.1:${grpcPort}`, credentials.createInsecure()) as unknown as InferenceClient;
  cleanups.push(() => client.close());
  return { child, client, logged, exited, seen, health: `http://127.0.0.1:${opsPort}/health` };
}

describe('a gRPC service process on SIGTERM', () => {
  it('reports not ready, answers the call in flight, and only then runs its shutdown hooks and exits 0', async () => {
    const svc = await startSlowService(30_000);
    const answer = new Promise<{ err: ServiceError | null; res?: object }>((done) =>
      svc.client.ListModels({}, (err, res) => done({ err, res })),
    );
    await svc.seen('call started');
    svc.child.kill('SIGTERM');
    await svc.seen('shutting down: draining in-flight work');
    // A probe fails while the call drains, so no balancer or launcher sends it more.
    await expect(fetch(svc.health)).rejects.toThrow();
    const { err, res } = await answer;
    expect(err).toBeNull();
    expect(res).toEqual({ models: [] });
    expect(await svc.exited()).toBe(0);
    // The hooks stop workers and drain NATS: run before the call had answered, a call that needs them would fail.
    expect(svc.logged.indexOf('call answered')).toBeLessThan(svc.logged.indexOf('shutdown hooks ran'));
    expect(svc.logged.at(-1)).toBe('stopped');
  }, 90_000);

  it('cancels a stream still open when the drain timeout has passed, then runs its shutdown hooks and exits 0', async () => {
    const svc = await startSlowService(300);
    const stream = svc.client.GenerateStream({});
    const ended = new Promise<ServiceError>((done) => stream.on('error', done));
    await new Promise((first) => stream.once('data', first));
    svc.child.kill('SIGTERM');
    // Unbounded, the drain waits on this stream for as long as its client reads it, and a SIGKILL ends the process.
    expect((await ended).code).toBe(status.CANCELLED);
    expect(await svc.exited()).toBe(0);
    expect(svc.logged).toContain('shutdown hooks ran');
  }, 90_000);
});
