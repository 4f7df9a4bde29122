import type { TaxonomyJson, TaxonomyLeafJson } from '@platform/api-types';
import { taxonomyV1 } from '@platform/contracts';

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

const LEAF_KINDS: Partial<Record<taxonomyV1.LeafKind, TaxonomyLeafJson['kind']>> = {
  [taxonomyV1.LeafKind.LEAF_KIND_KNOWLEDGE]: 'knowledge',
  [taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL]: 'freeform_skill',
  [taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL]: 'grounded_skill',
};

/** A leaf as the public API shows it: the documents' object keys are the platform's business, not the caller's. */
export function taxonomyLeafView(leaf: taxonomyV1.TaxonomyLeaf): TaxonomyLeafJson {
  return {
    path: leaf.path,
    kind: leafKind(leaf),
    qna_yaml: leaf.qnaYaml,
    documents: leaf.documents.map((d) => ({ source_path: d.sourcePath, size_bytes: d.sizeBytes })),
  };
}

function leafKind(leaf: taxonomyV1.TaxonomyLeaf): TaxonomyLeafJson['kind'] {
  const kind = LEAF_KINDS[leaf.kind];
  // The taxonomy service stores a kind with every leaf it validated; none is a bug there, not the caller's problem.
  if (!kind) throw new Error(`taxonomy leaf ${leaf.path} has no kind (${leaf.kind})`);
  return kind;
}
