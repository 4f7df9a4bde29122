import { Counter, Histogram, type Registry } from 'prom-client';

type Child = ReturnType<Histogram<'grpc_method'>['labels']>;

/**
 * grpc_server_handled_total and latency per method, the names grpc-ecosystem's Prometheus middleware uses; shared by
 * Nest's handlers (GrpcMetricsInterceptor) and the plain grpc-js ones (plain-grpc-methods.ts) of one process.
 */
export class GrpcServerMetrics {
  private readonly handled: Counter<'grpc_method' | 'grpc_code'>;
  private readonly latency: Histogram<'grpc_method'>;
  /** Each method's histogram child, looked up once instead of hashing the label set on every call. */
  private readonly latencyOf = new Map<string, Child>();

  constructor(registry: Registry) {
    this.handled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'gRPC calls completed',
      labelNames: ['grpc_method', 'grpc_code'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'gRPC call latency',
      labelNames: ['grpc_method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Starts timing a call of `method` (the handler's name, e.g. `generate`); the returned function records its end. */
  start(method: string): (err?: unknown) => void {
    let child = this.latencyOf.get(method);
    if (!child) {
      child = this.latency.labels({ grpc_method: method });
      this.latencyOf.set(method, child);
    }
    const end = child.startTimer();
    return (err?: unknown) => {
      end();
      this.handled.inc({ grpc_method: method, grpc_code: err === undefined ? 'OK' : codeLabel(err) });
    };
  }
}

function codeLabel(err: unknown): string {
  return typeof err === 'object' && err !== null && 'grpcCode' in err ? String((err as { grpcCode: number }).grpcCode) : 'UNKNOWN';
}
