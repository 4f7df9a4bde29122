import { PlatformError } from '../errors/platform-error';

/** Tokens stay short enough for a query string; anything longer was not made here. */
export const MAX_PAGE_TOKEN_CHARS = 512;

/**
 * A page token is the sort key of the last item served, as base64url JSON. Callers treat it as opaque; the
 * service checks every key against `accepts` before it reaches SQL, so a forged token is a 400, never a 500.
 */
export function encodePageToken(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

export function decodePageToken(token: string, accepts: readonly ((key: string) => boolean)[]): string[] {
  if (token.length > MAX_PAGE_TOKEN_CHARS) throw badStart();
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badStart();
  }
  if (!Array.isArray(keys) || keys.length !== accepts.length) throw badStart();
  if (!keys.every((k, i): k is string => typeof k === 'string' && accepts[i](k))) throw badStart();
  return keys;
}

/** The one refusal of a `start` this platform did not hand out. */
export function badStart(): PlatformError {
  return PlatformError.invalid('start must be a page token this list returned in next.href.', 'start');
}
