import type { secretsV1 } from '@platform/contracts';

/** Secret metadata in IBM Secrets Manager's shape; the value never leaves the taxonomy service. */
export function secretView(s: secretsV1.SecretMetadata) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    secret_type: s.secretType,
    secret_group_id: 'default',
    project_id: s.projectId,
    state: 1,
    state_description: 'active',
    labels: [] as string[],
    allowed_urls: s.allowedUrls,
    versions_total: 1,
    locks_total: 0,
    downloaded: false,
    created_by: s.createdBy,
    created_at: (s.createdAt ?? new Date(0)).toISOString(),
    updated_at: (s.updatedAt ?? s.createdAt ?? new Date(0)).toISOString(),
  };
}
