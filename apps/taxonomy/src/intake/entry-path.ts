import { UnsafeArchiveError, quoteEntry } from './errors';

/**
 * Turns a tar entry name into a clean relative path ("a/b/c"), or refuses it. Nothing is ever written to
 * disk, but these paths flow on into git commits and generated datasets, so the same rules apply as for
 * extraction: no way out of the root, no way to name the root of another filesystem.
 * Returns '' for the root itself ("./"), which only a directory entry may be.
 */
export function normalizeEntryPath(name: string): string {
  // Backslashes are separators on Windows and control characters have no place in a taxonomy path;
  // refusing them avoids reasoning about how every downstream tool would read them.
  if (/[\\\u0000-\u001f\u007f]/.test(name)) {
    throw new UnsafeArchiveError('unsafe-path', `entry ${quoteEntry(name)} has a backslash or control character in its path`, name);
  }
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new UnsafeArchiveError('absolute-path', `entry ${quoteEntry(name)} has an absolute path`, name);
  }
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new UnsafeArchiveError('path-traversal', `entry ${quoteEntry(name)} has a ".." path segment`, name);
  }
  return segments.join('/');
}
