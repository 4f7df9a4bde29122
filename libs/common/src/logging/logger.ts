import pino, { type DestinationStream, type Logger } from 'pino';
import { currentTraceId, spanLogFields } from '@platform/telemetry';
import { serializeError } from './error-serializer';

/**
 * JSON logs; every line written inside a request carries its transaction id (`trace`) and, when tracing, the
 * OpenTelemetry `trace_id`/`span_id` that find its spans. Lines go to stdout unless a `destination` is given.
 */
export function createLogger(service: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service },
    // pino merges each line's own fields into the object the mixin returns, so it must be a fresh one every time.
    mixin: () => {
      const trace = currentTraceId();
      const span = spanLogFields();
      return trace ? { trace, ...span } : { ...span };
    },
    redact: ['password', 'api_key', 'apikey', '*.password', '*.api_key', 'req.headers.authorization'],
    // Database errors without the statement's parameters (error-serializer.ts).
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
