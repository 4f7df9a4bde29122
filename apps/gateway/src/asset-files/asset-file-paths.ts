import { PlatformError, containerStoragePrefix, storageKey, storagePathProblem, type StorageContainer } from '@platform/common';
import type { ResourceContainer } from '../access/resource-container';

/** The container of a watsonx route as the storage helpers name it. */
export function storageContainerOf(c: ResourceContainer): StorageContainer {
  return c.projectId ? { projectId: c.projectId } : { spaceId: c.spaceId };
}

/** The bucket key of a file path under the container's storage (a 400 naming `path` when it could climb out). */
export function assetFileKey(c: ResourceContainer, path: string): string {
  if (path === '' || path.endsWith('/')) throw PlatformError.invalid('path must name a file, not a directory.', 'path');
  return storageKey(storageContainerOf(c), path, 'path');
}

/** The bucket prefix a list covers: the container's storage, narrowed by `prefix` (a path start, '' for all). */
export function assetListPrefix(c: ResourceContainer, prefix: string | undefined): string {
  const relative = (prefix ?? '').replace(/^\/+/, '');
  if (relative !== '') {
    const problem = storagePathProblem(relative);
    if (problem) throw PlatformError.invalid(`prefix ${problem}.`, 'prefix');
  }
  return containerStoragePrefix(storageContainerOf(c)) + relative;
}

/** A list page token: the last path of the page, base64url (the paging helper's token characters). */
export const pathToken = (path: string) => Buffer.from(path, 'utf8').toString('base64url');
export const tokenPath = (token: string) => Buffer.from(token, 'base64url').toString('utf8');
