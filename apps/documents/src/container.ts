import type { StorageContainer } from '@platform/common';

/** The container a stored row belongs to (exactly one of its two columns is set). */
export const rowContainer = (row: { projectId: string | null; spaceId: string | null }): StorageContainer =>
  row.projectId ? { projectId: row.projectId } : { spaceId: row.spaceId ?? '' };

/** The container's columns as events and rows carry them. */
export const containerIds = (c: StorageContainer): { projectId?: string; spaceId?: string } =>
  c.projectId ? { projectId: c.projectId } : { spaceId: c.spaceId };
