import type { StorageContainer } from '@platform/common';
import type { ModelJobEntity } from '../model-job.entity';

export const rowContainer = (row: Pick<ModelJobEntity, 'projectId' | 'spaceId'>): StorageContainer =>
  row.projectId ? { projectId: row.projectId } : { spaceId: row.spaceId ?? '' };

/** The id events and the queue carry as `projectId`: the project's, or for a space tuning the space's. */
export const containerId = (row: Pick<ModelJobEntity, 'projectId' | 'spaceId'>): string => row.projectId ?? row.spaceId ?? '';
