import { PlatformError, requireContainerId, type StorageContainer } from '@platform/common';
import type { ModelJobEntity } from '../model-job.entity';

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

export const rowContainer = (row: Pick<ModelJobEntity, 'projectId' | 'spaceId'>): StorageContainer =>
  row.projectId ? { projectId: row.projectId } : { spaceId: row.spaceId ?? '' };

/** The id events and the queue carry as `projectId`: the project's, or for a space tuning the space's. */
export const containerId = (row: Pick<ModelJobEntity, 'projectId' | 'spaceId'>): string => row.projectId ?? row.spaceId ?? '';

export const describeContainer = (c: StorageContainer): string => (c.projectId ? `project ${c.projectId}` : `space ${c.spaceId}`);
