import pino, { type Logger } from 'pino';
import { currentTraceId, spanLogFields } from '@platform/telemetry';

/**
 * JSON logs; every line written inside a request carries its transaction id (`trace`) and, when tracing, the
 * OpenTelemetry `trace_id`/`span_id` that find its spans.
 */
export function createLogger(service: string): Logger {
  return pino({
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
  });
}

export type { Logger };
