import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  status as GrpcStatus,
  type GrpcObject,
  type Metadata,
  type ServiceClientConstructor,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Test } from '@nestjs/testing';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { PROTO_FILES, inferenceV1 } from '@platform/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_HEADER, runWithTrace } from '../trace/trace-context';
import { plainServerStream, plainUnary, unary, type PlainServerStream, type PlainUnary } from './grpc-calls';
import { connectGrpcService, grpcClient, grpcClientOptions } from './grpc-client';
import { grpcLoaderOptions } from './grpc-loader-options';

/** What the fake inference server saw of one call. */
interface SeenCall {
  method: string;
  trace: string | undefined;
  /** Milliseconds from the call's arrival to the deadline the client sent (Infinity when none). */
  deadlineInMs: number;
  cancelled: boolean;
  /** Whether the server has sent its answer (ListModels answers after `delayMs`). */
  answered: boolean;
}

const seen: SeenCall[] = [];
let delayMs = 0;
let url = '';
let server: Server;

function record(method: string, call: { metadata: Metadata; getDeadline(): Date | number; on(e: 'cancelled', f: () => void): unknown }) {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  const entry: SeenCall = {
    method,
    trace: call.metadata.get(TRACE_HEADER)[0]?.toString(),
    deadlineInMs: at - Date.now(),
    cancelled: false,
    answered: false,
  };
  call.on('cancelled', () => {
    entry.cancelled = true;
  });
  seen.push(entry);
  return entry;
}

/** A real grpc-js server of inference.v1 with a slow ListModels and an endless GenerateStream. */
beforeAll(async () => {
  const pkg = loadPackageDefinition(loadSync(PROTO_FILES.inference, grpcLoaderOptions)) as unknown as {
    inference: { v1: GrpcObject & { InferenceService: ServiceClientConstructor } };
  };
  server = new Server();
  server.addService(pkg.inference.v1.InferenceService.service, {
    ListModels: (call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<inferenceV1.ListModelsResponse>) => {
      const entry = record('ListModels', call);
      setTimeout(() => {
        entry.answered = true;
        done(null, { models: [] });
      }, delayMs);
    },
    GenerateStream: (call: ServerWritableStream<unknown, unknown>) => {
      record('GenerateStream', call);
      let n = 0;
      call.write({ modelId: `m${n++}` });
      const tick = setInterval(() => call.write({ modelId: `m${n++}` }), 10);
      call.on('cancelled', () => clearInterval(tick));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  url = `127.0.0.1:${port}`;
});

afterAll(() => server.forceShutdown());

afterEach(() => {
  seen.length = 0;
  delayMs = 0;
  delete process.env.PLATFORM_GRPC_TIMEOUT_MS;
  delete process.env.PLATFORM_INFERENCE_TIMEOUT_MS;
});

const inference = (deadline?: 'default' | 'long') =>
  connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, { url, deadline });

describe('the gRPC client kit: deadlines', () => {
  it('sends the CRUD deadline by default and the long one when asked', async () => {
    process.env.PLATFORM_GRPC_TIMEOUT_MS = '3000';
    process.env.PLATFORM_INFERENCE_TIMEOUT_MS = '40000';
    const crud = inference();
    const long = inference('long');
    try {
      await unary(crud.service.listModels({}));
      await unary(long.service.listModels({}));
    } finally {
      crud.close();
      long.close();
    }
    expect(seen[0].deadlineInMs).toBeGreaterThan(2000);
    expect(seen[0].deadlineInMs).toBeLessThanOrEqual(3000);
    expect(seen[1].deadlineInMs).toBeGreaterThan(39_000);
    expect(seen[1].deadlineInMs).toBeLessThanOrEqual(40_000);
  });

  it('ends a call that outlives its deadline with DEADLINE_EXCEEDED, while the long deadline waits it out', async () => {
    process.env.PLATFORM_GRPC_TIMEOUT_MS = '150';
    process.env.PLATFORM_INFERENCE_TIMEOUT_MS = '5000';
    delayMs = 600;
    const crud = inference();
    const long = inference('long');
    try {
      await expect(unary(crud.service.listModels({}))).rejects.toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
      // Ended by its own deadline, before the server's answer existed (ordering, not a wall-clock bound).
      expect(seen.at(-1)).toMatchObject({ method: 'ListModels', answered: false });
      await expect(unary(long.service.listModels({}))).resolves.toEqual({ models: [] });
    } finally {
      crud.close();
      long.close();
    }
  });

  it('applies the deadline to server streams too', async () => {
    process.env.PLATFORM_GRPC_TIMEOUT_MS = '1000';
    const crud = inference();
    const items: unknown[] = [];
    try {
      await expect(
        new Promise<void>((resolve, reject) =>
          crud.service.generateStream({} as inferenceV1.GenerateStreamRequest).subscribe({
            next: (i) => {
              items.push(i);
            },
            error: reject,
            complete: () => resolve(),
          }),
        ),
      ).rejects.toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
    } finally {
      crud.close();
    }
    expect(items.length).toBeGreaterThan(0);
    expect(seen[0].deadlineInMs).toBeLessThanOrEqual(1000);
  });
});

describe('the gRPC client kit: trace metadata', () => {
  it("carries the caller's trace id on every call, and none outside a trace", async () => {
    const client = inference();
    try {
      await runWithTrace('trace-kit-1', () => unary(client.service.listModels({})));
      await unary(client.service.listModels({}));
    } finally {
      client.close();
    }
    expect(seen.map((s) => s.trace)).toEqual(['trace-kit-1', undefined]);
  });

  it('through the plain grpc-js client as well: unary and server stream, whose unsubscribe cancels the call', async () => {
    process.env.PLATFORM_GRPC_TIMEOUT_MS = '4000';
    const proxy = new ClientGrpcProxy(grpcClientOptions('inference', { url }).options);
    const raw = proxy.getClientByServiceName<{
      listModels: PlainUnary<inferenceV1.ListModelsRequest, inferenceV1.ListModelsResponse>;
      generateStream: PlainServerStream<inferenceV1.GenerateStreamRequest, inferenceV1.GenerateStreamResponse>;
    }>(inferenceV1.INFERENCE_SERVICE_NAME);
    try {
      await runWithTrace('trace-plain', () => plainUnary(raw, raw.listModels, {}));
      const items = await runWithTrace('trace-stream', async () => {
        const got: inferenceV1.GenerateStreamResponse[] = [];
        await new Promise<void>((resolve, reject) => {
          const sub = plainServerStream(raw, raw.generateStream, {} as inferenceV1.GenerateStreamRequest).subscribe({
            next: (item) => {
              got.push(item);
              if (got.length === 3) {
                sub.unsubscribe();
                resolve();
              }
            },
            error: reject,
            complete: () => reject(new Error('the stream ended by itself')),
          });
        });
        return got;
      });
      expect(items.map((i) => i.modelId)).toEqual(['m0', 'm1', 'm2']);
      await expect.poll(() => seen[1]?.cancelled).toBe(true);
    } finally {
      proxy.close();
    }
    expect(seen.map((s) => [s.method, s.trace])).toEqual([
      ['ListModels', 'trace-plain'],
      ['GenerateStream', 'trace-stream'],
    ]);
    expect(seen[0].deadlineInMs).toBeGreaterThan(3000);
  });
});

describe('the gRPC client kit: caller stacks', () => {
  it('the plain calls start without the caller stack grpc-js captures, and restore the limit even when the start throws', async () => {
    const limits: number[] = [];
    const failing = (() => {
      limits.push(Error.stackTraceLimit);
      throw new Error('channel closed');
    }) as unknown as PlainUnary<object, object> & PlainServerStream<object, object>;
    const before = Error.stackTraceLimit;
    await expect(plainUnary({}, failing, {})).rejects.toThrow('channel closed');
    expect(() => plainServerStream({}, failing, {}).subscribe({ next() {}, error() {}, complete() {} })).toThrow('channel closed');
    expect(limits).toEqual([0, 0]);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('after').stack?.split('\n').length).toBeGreaterThan(1);
  });
});

describe('the gRPC client kit: unary and providers', () => {
  it('unary rejects with the abort reason and cancels the call when its signal aborts', async () => {
    delayMs = 2000;
    const client = inference();
    const abort = new AbortController();
    try {
      const pending = unary(client.service.listModels({}), abort.signal);
      await expect.poll(() => seen.length).toBe(1);
      abort.abort(new Error('job canceled'));
      await expect(pending).rejects.toThrow('job canceled');
      await expect.poll(() => seen[0].cancelled).toBe(true);
      await expect(unary(client.service.listModels({}), abort.signal)).rejects.toThrow('job canceled');
      expect(seen).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('plainUnary does the same through the plain grpc-js client', async () => {
    delayMs = 2000;
    const proxy = new ClientGrpcProxy(grpcClientOptions('inference', { url }).options);
    const raw = proxy.getClientByServiceName<{ listModels: PlainUnary<inferenceV1.ListModelsRequest, inferenceV1.ListModelsResponse> }>(
      inferenceV1.INFERENCE_SERVICE_NAME,
    );
    const abort = new AbortController();
    try {
      const pending = plainUnary(raw, raw.listModels, {}, abort.signal);
      await expect.poll(() => seen.length).toBe(1);
      abort.abort(new Error('client went away'));
      await expect(pending).rejects.toThrow('client went away');
      await expect.poll(() => seen[0].cancelled).toBe(true);
      expect(seen[0].answered).toBe(false);
      await expect(plainUnary(raw, raw.listModels, {}, abort.signal)).rejects.toThrow('client went away');
      expect(seen).toHaveLength(1);
    } finally {
      proxy.close();
    }
  });

  it('grpcClient() provides a module with a client of the service that closes when the application shuts down', async () => {
    const app = await Test.createTestingModule({ providers: [grpcClient('INFERENCE', 'inference', { url })] }).compile();
    await app.init();
    const service = app.get<ClientGrpc>('INFERENCE').getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME);
    await runWithTrace('trace-module', () => unary(service.listModels({})));
    expect(seen.map((s) => s.trace)).toEqual(['trace-module']);
    await app.close();
    await expect(unary(service.listModels({}))).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });
});
