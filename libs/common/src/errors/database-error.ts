import { PlatformError } from './platform-error';

/** What the `pg` driver's DatabaseError and TypeORM's QueryFailedError (which wraps it as `driverError`) carry. */
interface DriverErrorFields {
  code?: unknown;
  severity?: unknown;
  driverError?: { code?: unknown; severity?: unknown };
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The SQLSTATE of an error PostgreSQL raised, read from the driver's error or TypeORM's wrapper; undefined for
 * anything else (a Node system error's code such as EPIPE is no SQLSTATE: it has no severity).
 */
export function sqlStateOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as DriverErrorFields;
  const driver = typeof e.driverError === 'object' && e.driverError !== null ? e.driverError : e;
  return typeof driver.code === 'string' && SQLSTATE.test(driver.code) && typeof driver.severity === 'string' ? driver.code : undefined;
}

/** Names of the class 22 conditions a request's value can cause, for the message. */
const DATA_EXCEPTIONS: Record<string, string> = {
  '22001': 'a value is too long for its column',
  '22003': 'a number is out of range',
  '22007': 'a date or time is malformed',
  '22008': 'a date or time is out of range',
  '22021': 'a text value holds a character the database cannot store (such as NUL)',
  '22P02': 'a value has the wrong form for its type',
  '22P05': 'a text value holds a character the database cannot store',
};

/**
 * A PostgreSQL data exception (SQLSTATE class 22) is caused by the value a request sent, not by the server: it is a
 * 400 wherever it surfaces, in the gateway's envelope and in a service's gRPC status, instead of a 500. The message
 * names the condition only; the offending value and the statement stay out of it (and out of the logs, see logger.ts).
 */
export function platformErrorOfDatabase(err: unknown): PlatformError | undefined {
  const state = sqlStateOf(err);
  if (!state?.startsWith('22')) return undefined;
  return PlatformError.invalid(
    `The request holds a value the database cannot store: ${DATA_EXCEPTIONS[state] ?? 'a data exception'} (SQLSTATE ${state}).`,
  );
}
