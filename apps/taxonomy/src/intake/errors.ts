/** Why an archive was refused; stable strings so API layers can map them to user-facing messages. */
export type UnsafeArchiveCode =
  | 'path-traversal'
  | 'absolute-path'
  | 'unsafe-path'
  | 'path-too-long'
  | 'link-entry'
  | 'special-entry'
  | 'duplicate-entry'
  | 'too-many-entries'
  | 'file-too-large'
  | 'archive-too-large';

const MAX_QUOTED_CHARS = 200;

/**
 * An entry name as it appears in messages: quoted, with control characters and backslashes escaped, and cut after
 * 200 characters (a pax header can carry a name of megabytes).
 */
export function quoteEntry(name: string): string {
  return name.length > MAX_QUOTED_CHARS ? `${JSON.stringify(name.slice(0, MAX_QUOTED_CHARS))}…` : JSON.stringify(name);
}

/** The archive is well-formed but asks for something we will not do (escape the root, exhaust memory...). */
export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
  constructor(
    readonly code: UnsafeArchiveCode,
    message: string,
    /** The entry name exactly as stored in the archive, when one entry is to blame. */
    readonly entry?: string,
  ) {
    super(message);
  }
}

/** The bytes are not a (gzipped) tar archive, or are corrupt or truncated. */
export class InvalidArchiveError extends Error {
  override readonly name = 'InvalidArchiveError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
