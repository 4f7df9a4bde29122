import { EventEmitter } from 'node:events';

/** One reason for every cancelled call: grpc-js also reports many answered calls as cancelled, so this is hot. */
export const CALL_CANCELLED = new Error('call cancelled');

/**
 * An AbortSignal that fires when the gRPC call is cancelled (client gone, deadline passed), so the work behind it
 * (an upstream HTTP request, a turn) stops too. `call` is the third argument Nest hands a gRPC handler.
 */
export function callSignal(call: unknown): AbortSignal {
  const controller = new AbortController();
  if (call instanceof EventEmitter) {
    call.once('cancelled', () => controller.abort(CALL_CANCELLED));
    // grpc-js marks a call that was cancelled before the handler ran.
    if ((call as { cancelled?: boolean }).cancelled) controller.abort(CALL_CANCELLED);
  }
  return controller.signal;
}
