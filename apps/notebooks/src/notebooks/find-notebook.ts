import { PlatformError, isIssuedId } from '@platform/common';
import type { EntityManager } from 'typeorm';
import { containerWhere, describeContainer, type Container } from './notebook-fields';
import { NotebookVersionEntity } from './notebook-version.entity';
import { NotebookEntity } from './notebook.entity';

/**
 * The notebook `id` of the container (or of any container when `container` is null), or null. Pass `lock` inside a
 * transaction that changes it: every change of a notebook and of its versions takes its row first, so they apply
 * one after another.
 */
export async function findNotebook(
  manager: EntityManager,
  container: Container | null,
  id: string,
  lock = false,
): Promise<NotebookEntity | null> {
  if (!isIssuedId(id)) return null;
  return manager.getRepository(NotebookEntity).findOne({
    where: { id, ...(container ? containerWhere(container) : {}) },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
}

export async function findVersion(manager: EntityManager, notebookId: string, versionId: string): Promise<NotebookVersionEntity | null> {
  if (!isIssuedId(versionId)) return null;
  return manager.getRepository(NotebookVersionEntity).findOne({ where: { id: versionId, notebookId } });
}

export function notebookNotFound(container: Container | null, id: string): PlatformError {
  return PlatformError.notFound(
    `Notebook ${id} was not found${container ? ` in ${describeContainer(container)}` : ''}.`,
    'notebook_not_found',
  );
}

export function versionNotFound(notebookId: string, versionId: string): PlatformError {
  return PlatformError.notFound(`Version ${versionId} of notebook ${notebookId} was not found.`, 'notebook_version_not_found');
}
