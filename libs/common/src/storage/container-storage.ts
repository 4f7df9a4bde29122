import { PlatformError } from '../errors/platform-error';
import { requireContainerId } from '../validation/instructlab-fields';

/** The project or space whose storage a data reference is read from or written to: exactly one id is set. */
export type StorageContainer = { projectId: string; spaceId?: undefined } | { spaceId: string; projectId?: undefined };

/**
 * A watsonx data reference (`training_data_references[]`, `results_reference`, `document_reference` …) as the API
 * carries it. Only references into the container's own storage are read: `container` (a path relative to it) and
 * `fs` (`/projects/<project_id>/assets/<path>` or `/spaces/<space_id>/assets/<path>`).
 */
export interface DataReference {
  type: string;
  id?: string;
  location?: Record<string, unknown>;
  connection?: Record<string, unknown>;
}

export const MAX_STORAGE_PATH_CHARS = 1024;
const PATH_CHARS = /^[\p{L}\p{N} ._()@+=,~-]+$/u;

/**
 * Every project and space owns `projects/<id>/assets/` (or `spaces/<id>/assets/`) in the platform bucket: the `fs`
 * paths of the API reference, and what `container` references are relative to. Files get there through
 * `/v2/asset_files/{path}`.
 */
export function containerStoragePrefix(c: StorageContainer): string {
  return c.projectId ? `projects/${c.projectId}/assets/` : `spaces/${c.spaceId}/assets/`;
}

/** The container a request names: exactly one of project_id and space_id, each a lowercase UUID; else a 400 naming it. */
export function requestContainer(r: { projectId: string; spaceId: string }): StorageContainer {
  if ((r.projectId === '') === (r.spaceId === ''))
    throw PlatformError.invalid('Exactly one of project_id and space_id is required.', r.projectId === '' ? 'project_id' : 'space_id');
  if (r.projectId !== '') {
    requireContainerId(r.projectId, 'project_id');
    return { projectId: r.projectId };
  }
  requireContainerId(r.spaceId, 'space_id');
  return { spaceId: r.spaceId };
}

export function describeStorageContainer(c: StorageContainer): string {
  return c.projectId ? `project ${c.projectId}` : `space ${c.spaceId}`;
}

/**
 * Why `path` cannot name a file or directory inside a container's storage, or undefined when it can: a relative path
 * whose segments are neither empty nor `.`/`..` (so it never climbs out of the prefix it is joined to).
 */
export function storagePathProblem(path: string): string | undefined {
  if (path.length === 0) return 'must not be empty';
  if (path.length > MAX_STORAGE_PATH_CHARS) return `must be at most ${MAX_STORAGE_PATH_CHARS} characters`;
  const segments = path.split('/');
  if (segments.some((s) => s === '.' || s === '..')) return 'must not hold "." or ".." segments';
  if (segments.slice(0, -1).some((s) => s === '')) return 'must not hold empty segments';
  if (!segments.every((s) => s === '' || PATH_CHARS.test(s)))
    return 'may hold only letters, digits, spaces and . _ ( ) @ + = , ~ - between "/"';
  return undefined;
}

/** `path` (relative, as a caller wrote it) checked and joined to the container's storage prefix. */
export function storageKey(c: StorageContainer, path: string, field: string): string {
  const relative = path.replace(/^\/+/, '');
  const problem = storagePathProblem(relative);
  if (problem) throw PlatformError.invalid(`${field} ${problem}.`, field);
  return containerStoragePrefix(c) + relative;
}

/**
 * The bucket key (a file, or a directory prefix when the path ends with "/") a data reference names inside the
 * container's storage. Anything else (another container's `fs` path, connection or data assets, URLs) is a 400 naming
 * `field`: the platform reads and writes only the caller's own storage.
 */
export function dataReferenceKey(c: StorageContainer, ref: DataReference, field: string): string {
  const path = ref.location?.path ?? ref.location?.file_name;
  if (ref.type === 'container') {
    if (typeof path !== 'string')
      throw PlatformError.invalid(`${field}.location.path is required for a container reference.`, `${field}.location.path`);
    return storageKey(c, path, `${field}.location.path`);
  }
  if (ref.type === 'fs') {
    if (typeof path !== 'string')
      throw PlatformError.invalid(`${field}.location.path is required for an fs reference.`, `${field}.location.path`);
    const own = `/${containerStoragePrefix(c)}`;
    if (!path.startsWith(own))
      throw PlatformError.invalid(
        `${field}.location.path must lie in the storage of ${describeStorageContainer(c)} (${own}<path>).`,
        `${field}.location.path`,
      );
    return storageKey(c, path.slice(own.length), `${field}.location.path`);
  }
  throw PlatformError.invalid(
    `${field}.type ${JSON.stringify(ref.type)} is not supported here: put the file in the ${c.projectId ? 'project' : 'space'}'s storage (/v2/asset_files) and use type "container".`,
    `${field}.type`,
  );
}
