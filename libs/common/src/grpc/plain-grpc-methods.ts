import {
  status as GrpcStatus,
  type Metadata,
  type sendUnaryData,
  type Server,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import { context } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { tracingEnabled } from '@platform/telemetry';
import { runWithTrace } from '../trace/trace-context';
import { CALL_CANCELLED } from './call-signal';
import { grpcErrorPayload } from './grpc-error-status';
import type { GrpcServerMetrics } from './grpc-server-metrics';
import { callTransactionId, grpcCodeOf, startServerCallSpan, type ServerCallSpan } from './grpc-server-call-trace';

/** What a plain handler gets besides its request: the caller's metadata and a signal aborted when the call is cancelled. */
export interface PlainCall {
  metadata: Metadata;
  /** Fires when the client cancels or the deadline passes, so the work behind the call (a backend request) stops. */
  signal: AbortSignal;
}

/**
 * Hot methods of one service served straight on grpc-js instead of through Nest's per-call pipeline (rxjs observables,
 * AsyncResource-bound interceptors, the exception filter), which costs more CPU than a short model call itself. Keys
 * are the rpc names of the contract (`Generate`); the service keeps its Nest controller for every other method.
 */
export interface PlainGrpcMethods {
  /** The fully qualified service name, `inference.v1.InferenceService`. */
  service: string;
  unary?: Record<string, (req: never, call: PlainCall) => Promise<unknown>>;
  serverStream?: Record<string, (req: never, call: PlainCall) => AsyncIterable<unknown>>;
}

interface Deps {
  logger: Logger;
  metrics: GrpcServerMetrics;
}

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/**
 * The per-call frame both kinds share, with the same observable behaviour as the Nest path (grpc-service.ts): the
 * caller's transaction id on the error log, a SERVER span when tracing, grpc_server_* metrics named after the
 * handler (`generate`), errors as the statuses GrpcErrorFilter gives.
 */
class CallFrame implements PlainCall {
  readonly metadata: Metadata;
  private readonly controller = new AbortController();
  private readonly transactionId: string;
  private readonly span: ServerCallSpan | undefined;
  private readonly end: (err?: unknown) => void;

  constructor(
    private readonly call: AnyCall,
    method: string,
    private readonly deps: Deps,
  ) {
    this.metadata = call.metadata;
    // One id for the span, the handler and the error log, also when the caller sent none (runWithTrace would draw one each time).
    this.transactionId = callTransactionId(call.metadata) ?? randomUUID();
    this.span = tracingEnabled() ? runWithTrace(this.transactionId, () => startServerCallSpan(call.getPath(), call.metadata)) : undefined;
    this.end = deps.metrics.start(method);
    call.once('cancelled', this.onCancel);
    // grpc-js marks a call that was cancelled before the handler ran.
    if (call.cancelled) this.onCancel();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private readonly onCancel = () => {
    this.controller.abort(CALL_CANCELLED);
    this.span?.settle(GrpcStatus.CANCELLED);
  };

  /**
   * Runs the handler in the call's transaction (its id on every log line) and, when tracing, in its span's context.
   * (Running it outside AsyncLocalStorage saved nothing measurable: Nest's own calls keep its hooks on anyway.)
   */
  run<T>(fn: () => T): T {
    const span = this.span;
    return runWithTrace(this.transactionId, span ? () => context.with(span.ctx, fn) : fn);
  }

  succeeded(): void {
    this.call.removeListener('cancelled', this.onCancel);
    this.end();
    this.span?.settle(GrpcStatus.OK);
  }

  abandoned(): void {
    this.call.removeListener('cancelled', this.onCancel);
  }

  /** The status to answer with; unexpected errors are logged with the call's transaction id. */
  failed(err: unknown) {
    this.call.removeListener('cancelled', this.onCancel);
    this.end(err);
    this.span?.settle(grpcCodeOf(err), err);
    return runWithTrace(this.transactionId, () => grpcErrorPayload(err, this.deps.logger));
  }
}

function unaryHandler(method: string, fn: (req: never, call: PlainCall) => Promise<unknown>, deps: Deps) {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const frame = new CallFrame(call, method, deps);
    let result: Promise<unknown>;
    try {
      result = frame.run(() => fn(call.request as never, frame));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (res) => {
        frame.succeeded();
        callback(null, res);
      },
      (err: unknown) => callback(frame.failed(err)),
    );
  };
}

/** Writes each item, waiting for 'drain' when grpc-js buffers; false when the call went away meanwhile. */
function drained(call: ServerWritableStream<unknown, unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      call.removeListener('drain', onDrain);
      call.removeListener('cancelled', onCancel);
      resolve(ok);
    };
    const onDrain = done(true);
    const onCancel = done(false);
    call.once('drain', onDrain);
    call.once('cancelled', onCancel);
  });
}

function streamHandler(method: string, fn: (req: never, call: PlainCall) => AsyncIterable<unknown>, deps: Deps) {
  return (call: ServerWritableStream<unknown, unknown>) => {
    const frame = new CallFrame(call, method, deps);
    const relay = async () => {
      for await (const item of fn(call.request as never, frame)) {
        if (call.cancelled) break;
        if (!call.write(item) && !(await drained(call))) break;
      }
    };
    let done: Promise<void>;
    try {
      done = frame.run(relay);
    } catch (err) {
      done = Promise.reject(err);
    }
    done.then(
      () => {
        if (call.cancelled) return frame.abandoned();
        frame.succeeded();
        call.end();
      },
      (err: unknown) => {
        // grpc-js answers the call with the status it finds on the stream's 'error' event (ServerWritableStreamImpl).
        // A cancelled stream has no one to answer (Nest's path does not count it either; its span says CANCELLED).
        if (call.cancelled) frame.abandoned();
        else call.emit('error', frame.failed(err));
      },
    );
  };
}

/**
 * Replaces the given methods' handlers on a started grpc-js server (Nest registered its own at listen) with plain
 * ones, using the same package definition's (de)serializers so requests and responses read exactly as before.
 */
export function servePlainGrpcMethods(server: Server, definition: PackageDefinition, methods: PlainGrpcMethods, deps: Deps): void {
  const service = definition[methods.service] as Record<string, MethodDefinition<unknown, unknown>> | undefined;
  if (!service) throw new Error(`no service ${methods.service} in the loaded contracts`);
  const swap = (rpc: string, kind: 'unary' | 'serverStream', handler: unknown) => {
    const def = service[rpc];
    if (!def || def.requestStream || def.responseStream !== (kind === 'serverStream'))
      throw new Error(`${methods.service}/${rpc} is not a ${kind} method of the contract`);
    server.unregister(def.path);
    server.register(def.path, handler as never, def.responseSerialize, def.requestDeserialize, kind);
  };
  // The metric label is the handler's name as Nest reports it (`generate`), so both paths count under one name.
  const handlerName = (rpc: string) => rpc.charAt(0).toLowerCase() + rpc.slice(1);
  for (const [rpc, fn] of Object.entries(methods.unary ?? {})) swap(rpc, 'unary', unaryHandler(handlerName(rpc), fn, deps));
  for (const [rpc, fn] of Object.entries(methods.serverStream ?? {})) swap(rpc, 'serverStream', streamHandler(handlerName(rpc), fn, deps));
}
