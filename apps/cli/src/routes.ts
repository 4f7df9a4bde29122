export type Collection = 'taxonomies' | 'data' | 'models';

/** `/v1/projects/{project_id}/<collection>` when a project is named, else `/v1/<collection>` (the default project). */
export function collectionPath(collection: Collection, projectId?: string): string {
  return projectId ? `/v1/projects/${encodeURIComponent(projectId)}/${collection}` : `/v1/${collection}`;
}

export function itemPath(collection: Collection, id: string, projectId?: string): string {
  return `${collectionPath(collection, projectId)}/${encodeURIComponent(id)}`;
}

/** The `version` date the CLI sends on the watsonx routes (`/ml/...`), which require one. */
export const WATSONX_VERSION = '2024-05-31';

type Query = Record<string, string | undefined>;

function withQuery(path: string, query: Query): string {
  const q = new URLSearchParams({ version: WATSONX_VERSION });
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  return `${path}?${q.toString()}`;
}

/** `GET|POST /ml/v4/deployments` of a project, with the seed's list filters (`serving_name`, `state`, `start` …). */
export function deploymentsPath(projectId: string, query: Query = {}): string {
  return withQuery('/ml/v4/deployments', { project_id: projectId, ...query });
}

export function deploymentPath(id: string, projectId: string): string {
  return withQuery(`/ml/v4/deployments/${encodeURIComponent(id)}`, { project_id: projectId });
}

/** `POST /ml/v4/models`: the model asset a deployment serves. */
export function modelAssetsPath(): string {
  return withQuery('/ml/v4/models', {});
}

export function modelAssetPath(id: string, projectId: string): string {
  return withQuery(`/ml/v4/models/${encodeURIComponent(id)}`, { project_id: projectId });
}

/** `POST /ml/v1/deployments/{id_or_name}/text/chat_stream`: a deployment's chat, by id or serving name. */
export function deploymentChatStreamPath(idOrName: string): string {
  return withQuery(`/ml/v1/deployments/${encodeURIComponent(idOrName)}/text/chat_stream`, {});
}
