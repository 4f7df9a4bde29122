export type Collection = 'taxonomies' | 'data' | 'models';

/** `/v1/projects/{project_id}/<collection>` when a project is named, else `/v1/<collection>` (the default project). */
export function collectionPath(collection: Collection, projectId?: string): string {
  return projectId ? `/v1/projects/${encodeURIComponent(projectId)}/${collection}` : `/v1/${collection}`;
}

export function itemPath(collection: Collection, id: string, projectId?: string): string {
  return `${collectionPath(collection, projectId)}/${encodeURIComponent(id)}`;
}
