import type { TaxonomyJson } from '@platform/api-types';
import type { taxonomyV1 } from '@platform/contracts';

/** The seed's taxonomy object; the list omits tokens, bucket and secrets as the seed's list example does. */
export function taxonomyView(t: taxonomyV1.Taxonomy, publicUrl: string, full = true): TaxonomyJson {
  const base = {
    id: t.id,
    project_id: t.projectId,
    name: t.name,
    taxonomy_path_cos: t.taxonomyPathCos,
    created_at: (t.createdAt ?? new Date(0)).toISOString(),
  };
  const href = `${publicUrl}/v1/projects/${t.projectId}/taxonomies/${t.id}`;
  if (!full) return { ...base, href };
  return {
    ...base,
    tokens: { data_tokens_estimated: t.dataTokensEstimated },
    cos_bucket_information: t.cosBucketInformation,
    ...(t.secretsManagerConfig?.url
      ? { secrets_manager_config: { url: t.secretsManagerConfig.url, git_id: t.secretsManagerConfig.gitId } }
      : {}),
    href,
  };
}
