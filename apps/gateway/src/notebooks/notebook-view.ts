import type {
  NotebookAssetJson,
  NotebookKernelJson,
  NotebookOriginJson,
  NotebookResourceJson,
  NotebookRuntimeJson,
  NotebookVersionJson,
} from '@platform/api-types';
import type { notebooksV1 } from '@platform/contracts';
import { jsonObjectOf } from '../deployments/resource-metadata';

const EPOCH = new Date(0);

/** Where the seed points a notebook's asset: `/v2/assets/{id}?project_id=…` (or `space_id`). */
function assetHref(n: notebooksV1.Notebook): string {
  const container = n.spaceId ? `space_id=${n.spaceId}` : `project_id=${n.projectId}`;
  return `/v2/assets/${n.id}?${container}`;
}

const containerOf = (c: { projectId: string; spaceId: string }) => (c.spaceId ? { space_id: c.spaceId } : { project_id: c.projectId });

const runtimeOf = (n: notebooksV1.Notebook) => jsonObjectOf(n.runtimeJson) as NotebookRuntimeJson | undefined;

/** A notebook in the seed's v2/assets form (create, update, revert, promote). */
export function notebookAssetView(n: notebooksV1.Notebook): NotebookAssetJson {
  const created = n.createdAt ?? EPOCH;
  const kernel = jsonObjectOf(n.kernelJson) as NotebookKernelJson | undefined;
  const origin = jsonObjectOf(n.originatesFromJson) as NotebookOriginJson | undefined;
  const runtime = runtimeOf(n);
  return {
    metadata: {
      name: n.name,
      ...(n.description ? { description: n.description } : {}),
      asset_type: 'notebook',
      created: created.getTime(),
      created_at: created.toISOString(),
      owner_id: n.ownerId,
      asset_id: n.id,
      ...containerOf(n),
      ...(n.tags.length ? { tags: n.tags } : {}),
    },
    entity: {
      notebook: { ...(kernel ? { kernel } : {}), ...(origin ? { originates_from: origin } : {}) },
      ...(runtime ? { runtime } : {}),
      href: assetHref(n),
    },
  };
}

/** A notebook as POST /v2/notebooks/list answers it; the runtime only when asked for (`include=runtime`). */
export function notebookResourceView(n: notebooksV1.Notebook, includeRuntime: boolean): NotebookResourceJson {
  const runtime = includeRuntime ? runtimeOf(n) : undefined;
  return {
    metadata: { guid: n.id, url: `/v2/notebooks/${n.id}` },
    entity: {
      ...(runtime ? { runtime } : {}),
      asset: {
        asset_id: n.id,
        asset_type: 'notebook',
        created_at: (n.createdAt ?? EPOCH).toISOString(),
        version: n.revision,
        ...containerOf(n),
        href: assetHref(n),
      },
    },
  };
}

/** A notebook version as the seed shows it (its url without the leading slash, as the seed writes it). */
export function notebookVersionView(v: notebooksV1.NotebookVersion): NotebookVersionJson {
  return {
    metadata: {
      guid: v.id,
      url: `v2/notebooks/${v.notebookId}/versions/${v.id}`,
      created_at: (v.createdAt ?? EPOCH).getTime(),
    },
    entity: {
      master_notebook_guid: v.notebookId,
      ...containerOf(v),
      created_by_iui: v.createdBy,
      file_reference: v.fileReference,
      rev_id: v.revId,
    },
  };
}
