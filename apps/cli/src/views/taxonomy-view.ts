import type { ReceivedTaxonomy } from '../received';
import { renderFields, renderTable } from '../output';

export function taxonomyTable(list: ReceivedTaxonomy[]): string {
  return renderTable(
    ['ID', 'NAME', 'PATH', 'CREATED'],
    list.map((t) => [t.id, t.name ?? '', t.taxonomy_path_cos ?? '', t.created_at ?? '']),
    'No taxonomies.',
  );
}

export function taxonomyDetails(t: ReceivedTaxonomy): string {
  return renderFields([
    ['ID', t.id],
    ['Name', t.name],
    ['Project', t.project_id],
    ['Path', t.taxonomy_path_cos],
    ['Bucket', t.cos_bucket_information?.bucket],
    ['Endpoint', t.cos_bucket_information?.endpoint],
    ['Tokens (estimated)', t.tokens?.data_tokens_estimated],
    ['Secrets manager', t.secrets_manager_config?.url],
    ['Created', t.created_at],
    ['Href', t.href],
  ]);
}
