import { Counter, Histogram, type Registry } from 'prom-client';

type LatencyChild = ReturnType<Histogram<'grpc_method'>['labels']>;
type CountChild = ReturnType<Counter<'grpc_method' | 'grpc_code'>['labels']>;

/**
 * grpc_server_handled_total and latency per method, the names grpc-ecosystem's Prometheus middleware uses; shared by
 * Nest's handlers (GrpcMetricsInterceptor) and the plain grpc-js ones (plain-grpc-methods.ts) of one process.
 */
export class GrpcServerMetrics {
  private readonly handled: Counter<'grpc_method' | 'grpc_code'>;
  private readonly latency: Histogram<'grpc_method'>;
  /** Each method's histogram and OK-counter children, looked up once instead of hashing label sets on every call. */
  private readonly methods = new Map<string, { latency: LatencyChild; ok: CountChild }>();

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
    let m = this.methods.get(method);
    if (!m) {
      m = { latency: this.latency.labels({ grpc_method: method }), ok: this.handled.labels({ grpc_method: method, grpc_code: 'OK' }) };
      this.methods.set(method, m);
    }
    const { latency, ok } = m;
    const end = latency.startTimer();
    return (err?: unknown) => {
      end();
      if (err === undefined) ok.inc();
      else this.handled.inc({ grpc_method: method, grpc_code: codeLabel(err) });
    };
  }
}

function codeLabel(err: unknown): string {
  return typeof err === 'object' && err !== null && 'grpcCode' in err ? String((err as { grpcCode: number }).grpcCode) : 'UNKNOWN';
}
