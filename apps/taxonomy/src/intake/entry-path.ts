import { UnsafeArchiveError, quoteEntry } from './errors';

const MAX_PATH_BYTES = 4096;
const MAX_NAME_BYTES = 255;

/**
 * Turns a tar entry name into a clean relative path ("a/b/c"), or refuses it. Nothing is ever written to
 * disk, but these paths flow on into git commits and generated datasets, so the same rules apply as for
 * extraction: no way out of the root, no way to name the root of another filesystem.
 * Returns '' for the root itself ("./"), which only a directory entry may be.
 */
export function normalizeEntryPath(name: string): string {
  // Linux's PATH_MAX and NAME_MAX: a longer path could not be checked out, and every path travels on into rows,
  // events and messages.
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) {
    throw new UnsafeArchiveError('path-too-long', `entry ${quoteEntry(name)} has a path over ${MAX_PATH_BYTES} bytes`, name);
  }
  // Backslashes are separators on Windows and control characters have no place in a taxonomy path;
  // refusing them avoids reasoning about how every downstream tool would read them.
  if (/[\\\u0000-\u001f\u007f]/.test(name)) {
    throw new UnsafeArchiveError('unsafe-path', `entry ${quoteEntry(name)} has a backslash or control character in its path`, name);
  }
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new UnsafeArchiveError('absolute-path', `entry ${quoteEntry(name)} has an absolute path`, name);
  }
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  const long = segments.find((s) => Buffer.byteLength(s) > MAX_NAME_BYTES);
  if (long !== undefined) {
    throw new UnsafeArchiveError(
      'path-too-long',
      `entry ${quoteEntry(name)} has a path segment over ${MAX_NAME_BYTES} bytes (${quoteEntry(long)})`,
      name,
    );
  }
  if (segments.includes('..')) {
    throw new UnsafeArchiveError('path-traversal', `entry ${quoteEntry(name)} has a ".." path segment`, name);
  }
  return segments.join('/');
}
