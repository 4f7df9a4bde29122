import { Metadata } from '@grpc/grpc-js';
import { TRACE_HEADER, currentTraceId } from '@platform/common';
import { lastValueFrom, type Observable } from 'rxjs';

/** Metadata for a downstream call: the transaction id travels with every gRPC request. */
export function traceMetadata(): Metadata {
  const md = new Metadata();
  const trace = currentTraceId();
  if (trace) md.set(TRACE_HEADER, trace);
  return md;
}

export function unary<T>(call: Observable<T>): Promise<T> {
  return lastValueFrom(call);
}
