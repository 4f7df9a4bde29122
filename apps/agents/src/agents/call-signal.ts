import { EventEmitter } from 'node:events';

/** An AbortSignal that fires when the gRPC call is cancelled (client gone, deadline passed); `call` is Nest's third handler argument. */
export function callSignal(call: unknown): AbortSignal {
  const controller = new AbortController();
  if (call instanceof EventEmitter) {
    call.once('cancelled', () => controller.abort(new Error('call cancelled')));
    if ((call as { cancelled?: boolean }).cancelled) controller.abort(new Error('call cancelled'));
  }
  return controller.signal;
}
