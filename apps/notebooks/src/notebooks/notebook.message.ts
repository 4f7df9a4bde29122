import type { notebooksV1 } from '@platform/contracts';
import type { NotebookVersionEntity } from './notebook-version.entity';
import type { NotebookEntity, NotebookKernel, NotebookOrigin, NotebookRuntime } from './notebook.entity';

/** jsonb keeps keys in its own order: the messages give them in the seed's. */
const ordered = <T extends object>(o: T | null, keys: readonly (keyof T)[]): string => {
  if (!o) return '';
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return JSON.stringify(out);
};
const KERNEL_KEYS: readonly (keyof NotebookKernel)[] = ['display_name', 'name', 'language'];
const RUNTIME_KEYS: readonly (keyof NotebookRuntime)[] = ['environment', 'spark_monitoring_enabled'];
const ORIGIN_KEYS: readonly (keyof NotebookOrigin)[] = ['type', 'guid'];

export function toNotebookMessage(n: NotebookEntity): notebooksV1.Notebook {
  return {
    id: n.id,
    projectId: n.projectId ?? '',
    spaceId: n.spaceId ?? '',
    name: n.name,
    description: n.description,
    tags: n.tags,
    kernelJson: ordered(n.kernel, KERNEL_KEYS),
    runtimeJson: ordered(n.runtime, RUNTIME_KEYS),
    originatesFromJson: ordered(n.originatesFrom, ORIGIN_KEYS),
    ownerId: n.ownerId,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
    revision: n.revision,
    fileReference: n.contentKey,
    revertedToVersionId: n.revertedToVersionId ?? '',
    contentSize: n.contentSize,
  };
}

export function toVersionMessage(v: NotebookVersionEntity, n: Pick<NotebookEntity, 'projectId' | 'spaceId'>): notebooksV1.NotebookVersion {
  return {
    id: v.id,
    notebookId: v.notebookId,
    projectId: n.projectId ?? '',
    spaceId: n.spaceId ?? '',
    createdBy: v.createdBy,
    fileReference: v.contentKey,
    revId: v.revId,
    createdAt: v.createdAt,
    contentSize: v.contentSize,
  };
}
