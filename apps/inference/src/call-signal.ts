import { EventEmitter } from 'node:events';

/**
 * An AbortSignal that fires when the gRPC call is cancelled (client gone, deadline passed), so the upstream
 * HTTP request to the model server is aborted too. `call` is the third argument Nest hands a gRPC handler.
 */
/** One reason for every cancelled call: grpc-js also reports many answered calls as cancelled, so this is hot. */
const CALL_CANCELLED = new Error('call cancelled');

export function callSignal(call: unknown): AbortSignal {
  const controller = new AbortController();
  if (call instanceof EventEmitter) {
    call.once('cancelled', () => controller.abort(CALL_CANCELLED));
    // grpc-js marks a call that was cancelled before the handler ran.
    if ((call as { cancelled?: boolean }).cancelled) controller.abort(CALL_CANCELLED);
  }
  return controller.signal;
}
