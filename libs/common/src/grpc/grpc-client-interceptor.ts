import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { traceMetadata } from '../trace/trace-context';

/**
 * What every outgoing call of a platform client gets, whoever makes it and however (Nest's Observables or the plain
 * grpc-js client): a deadline, so a stuck service turns into DEADLINE_EXCEEDED (HTTP 408 at the gateway) instead of a
 * request that hangs, and the caller's trace as metadata. A deadline or trace header the caller set itself is kept.
 */
export function platformCallInterceptor(timeoutMs: number): Interceptor {
  return (options, nextCall) => {
    const call = nextCall(options.deadline === undefined ? { ...options, deadline: Date.now() + timeoutMs } : options);
    return new InterceptingCall(call, {
      start(metadata, listener, next) {
        for (const [key, value] of Object.entries(traceMetadata())) {
          if (metadata.get(key).length === 0) metadata.set(key, value);
        }
        next(metadata, listener);
      },
    });
  };
}
