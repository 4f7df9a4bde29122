import { PlatformError, requireContainerId, type StorageContainer } from '@platform/common';

/** Exactly one of project_id and space_id, each a lowercase UUID; otherwise a 400 naming the field. */
export function containerOf(r: { projectId: string; spaceId: string }): StorageContainer {
  if ((r.projectId === '') === (r.spaceId === ''))
    throw PlatformError.invalid('Exactly one of project_id and space_id is required.', r.projectId === '' ? 'project_id' : 'space_id');
  if (r.projectId !== '') {
    requireContainerId(r.projectId, 'project_id');
    return { projectId: r.projectId };
  }
  requireContainerId(r.spaceId, 'space_id');
  return { spaceId: r.spaceId };
}

/** The container a stored row belongs to (exactly one of its two columns is set). */
export const rowContainer = (row: { projectId: string | null; spaceId: string | null }): StorageContainer =>
  row.projectId ? { projectId: row.projectId } : { spaceId: row.spaceId ?? '' };

/** The container's columns as events and rows carry them. */
export const containerIds = (c: StorageContainer): { projectId?: string; spaceId?: string } =>
  c.projectId ? { projectId: c.projectId } : { spaceId: c.spaceId };
