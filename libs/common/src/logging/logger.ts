import pino, { type Logger } from 'pino';
import { currentTraceId } from '../trace/trace-context';

/** JSON logs; every line written inside a request carries its trace id. */
export function createLogger(service: string): Logger {
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service },
    mixin: () => {
      const trace = currentTraceId();
      return trace ? { trace } : {};
    },
    redact: ['password', 'api_key', 'apikey', '*.password', '*.api_key', 'req.headers.authorization'],
  });
}

export type { Logger };
