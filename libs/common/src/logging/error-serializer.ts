import pino from 'pino';
import { sqlStateOf } from '../errors/database-error';

/**
 * The `err` field of every log line. A database error is written as its type, SQLSTATE, message and stack alone:
 * TypeORM's QueryFailedError carries the statement's parameters (the values a request sent: names, credentials) and
 * the driver's `detail` quotes the offending row, so neither may reach a log. Every other error is pino's standard.
 */
export function serializeError(err: unknown): unknown {
  const code = sqlStateOf(err);
  if (code === undefined || !(err instanceof Error)) return pino.stdSerializers.err(err as Error);
  return { type: err.constructor.name, code, message: err.message, stack: err.stack };
}
