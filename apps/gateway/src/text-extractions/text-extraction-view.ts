import type { DataReferenceJson, TextExtractionJson, TextExtractionStatus } from '@platform/api-types';
import type { documentsV1 } from '@platform/contracts';
import { jsonObjectOf } from '../deployments/resource-metadata';

const STATUSES: readonly string[] = ['submitted', 'uploading', 'running', 'downloading', 'downloaded', 'completed', 'failed'];
const OPTIONAL_FIELDS = ['steps', 'assembly_json', 'assembly_md', 'parameters', 'custom'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const referenceIn = (entity: Record<string, unknown>, field: string): DataReferenceJson => {
  const ref = entity[field];
  return isObject(ref) ? (ref as unknown as DataReferenceJson) : { type: 'container', location: {} };
};

/**
 * A text extraction as the seed's and the SDK's TextExtractionResource: metadata (id, created_at, the one container,
 * the name when one was given) and the entity, the request's fields as given with the job's `results`.
 */
export function textExtractionView(x: documentsV1.Extraction): TextExtractionJson {
  const entity = jsonObjectOf(x.requestJson) ?? {};
  const r = x.results;
  const status = (STATUSES.includes(r?.status ?? '') ? r?.status : 'submitted') as TextExtractionStatus;
  const optional: Record<string, Record<string, unknown>> = {};
  for (const field of OPTIONAL_FIELDS) {
    const value = entity[field];
    if (isObject(value)) optional[field] = value;
  }
  return {
    metadata: {
      id: x.id,
      created_at: (x.createdAt ?? new Date(0)).toISOString(),
      ...(x.spaceId ? { space_id: x.spaceId } : { project_id: x.projectId }),
      ...(x.name ? { name: x.name } : {}),
    },
    entity: {
      document_reference: referenceIn(entity, 'document_reference'),
      results_reference: referenceIn(entity, 'results_reference'),
      ...optional,
      results: {
        status,
        number_pages_processed: r?.numberPagesProcessed ?? 0,
        ...(r?.totalPages ? { total_pages: r.totalPages } : {}),
        ...(r?.runningAt ? { running_at: r.runningAt.toISOString() } : {}),
        ...(r?.completedAt ? { completed_at: r.completedAt.toISOString() } : {}),
        ...(r?.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
        ...(r?.locations.length ? { locations: r.locations } : {}),
      },
    },
  };
}
