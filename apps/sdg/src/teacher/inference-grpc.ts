import { Metadata } from '@grpc/grpc-js';
import { ClientGrpcProxy } from '@nestjs/microservices';
import { TRACE_HEADER, currentTraceId, envInt, grpcOptions, serviceGrpcUrl } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import type { Observable } from 'rxjs';

/**
 * The inference service's gRPC client as the gateway builds it, with the long deadline generations need
 * (PLATFORM_INFERENCE_TIMEOUT_MS, default 10 min) instead of the platform's short CRUD default.
 */
export function inferenceGrpcClient(url = serviceGrpcUrl('inference')): { service: inferenceV1.InferenceServiceClient; close(): void } {
  const base = grpcOptions(url, ['inference']);
  const timeout = `${(envInt('PLATFORM_INFERENCE_TIMEOUT_MS', 600_000) / 1000).toFixed(3)}s`;
  const config = { methodConfig: [{ name: [{ service: 'inference.v1.InferenceService' }], timeout }] };
  const options = { ...base.options, channelOptions: { ...base.options.channelOptions, 'grpc.service_config': JSON.stringify(config) } };
  const proxy = new ClientGrpcProxy(options);
  return { service: proxy.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME), close: () => proxy.close() };
}

export function traceMetadata(): Metadata {
  const md = new Metadata();
  const trace = currentTraceId();
  if (trace) md.set(TRACE_HEADER, trace);
  return md;
}

/** One unary call as a promise; aborting unsubscribes, which cancels the gRPC call (and the generation behind it). */
export function callWithSignal<T>(call: Observable<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    let last: T | undefined;
    let got = false;
    const onAbort = () => {
      sub.unsubscribe();
      reject(abortError(signal));
    };
    const sub = call.subscribe({
      next: (v) => {
        last = v;
        got = true;
      },
      error: (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
      complete: () => {
        signal.removeEventListener('abort', onAbort);
        if (got) resolve(last as T);
        else reject(new Error('the call completed without a response'));
      },
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === 'string' ? reason : 'aborted');
  err.name = 'AbortError';
  return err;
}
