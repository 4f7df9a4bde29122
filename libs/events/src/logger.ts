/**
 * The logging surface the events library needs. A pino `Logger` (or any child of one) satisfies it, so services pass
 * their own logger and keep structured JSON with their bindings (service name, trace id, ...).
 */
export interface EventsLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Discards everything: the default, so the library never writes to the console on its own. */
export const silentLogger: EventsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A plain object for the `err` field that pino's standard serializer would also produce. */
export function errorFields(err: unknown): { err: { message: string; name?: string; stack?: string } } {
  if (err instanceof Error) return { err: { message: err.message, name: err.name, stack: err.stack } };
  return { err: { message: String(err) } };
}
