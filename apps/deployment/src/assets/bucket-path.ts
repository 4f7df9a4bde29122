import { PlatformError } from '@platform/common';

/** Model ids and content paths: letters, digits, `.`, `_`, `-` and `/` between non-empty segments. */
const PATH_CHARS = /^[A-Za-z0-9._/-]+$/;
export const MAX_MODEL_ID_CHARS = 256;
export const MAX_CONTENT_PATH_CHARS = 1024;

/**
 * Why `path` cannot name a directory in the bucket, or undefined when it can: a relative path of the characters
 * above whose segments are neither empty nor `.`/`..` (so it never climbs out of the prefix it is joined to).
 */
export function bucketPathProblem(path: string, maxChars: number): string | undefined {
  if (path.length === 0) return 'must not be empty';
  if (path.length > maxChars) return `must be at most ${maxChars} characters`;
  if (!PATH_CHARS.test(path)) return 'may hold only letters, digits, ".", "_", "-" and "/"';
  if (path.startsWith('/')) return 'must not start with "/"';
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'must not hold empty, "." or ".." segments';
  return undefined;
}

/** A model of the model store, as `foundation_model.model_id` names it (e.g. `ibm-granite/granite-3b`). */
export function requireModelId(id: string, field = 'foundation_model.model_id'): void {
  const problem = bucketPathProblem(id, MAX_MODEL_ID_CHARS);
  if (problem) throw PlatformError.invalid(`${field} ${problem}.`, field);
}

/** `a/b` or `a/b/` as the directory prefix `a/b/`. */
export const asDirectory = (path: string): string => (path.endsWith('/') ? path : `${path}/`);
