import type { AutoAiRagJson, AutoAiRagState, AutoAiRagStatusJson, DataReferenceJson, RagPatternResultJson } from '@platform/api-types';
import type { documentsV1 } from '@platform/contracts';
import { jsonObjectOf, resourceMetadata } from '../deployments/resource-metadata';

const STATES: readonly string[] = ['pending', 'running', 'completed', 'failed', 'canceled'];
const LEVELS: readonly string[] = ['info', 'warning', 'error'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const referencesIn = (v: unknown): DataReferenceJson[] =>
  Array.isArray(v) ? v.filter(isObject).map((r) => r as unknown as DataReferenceJson) : [];

function resultsOf(text: string): RagPatternResultJson[] {
  try {
    const value: unknown = JSON.parse(text || '[]');
    return Array.isArray(value) ? (value.filter(isObject) as unknown as RagPatternResultJson[]) : [];
  } catch {
    return [];
  }
}

/** The seed's `entity.status`: state, the step in progress, the latest message, times, and why it failed. */
export function ragStatusView(id: string, s: documentsV1.RagStatus | undefined): AutoAiRagStatusJson {
  const state = (STATES.includes(s?.state ?? '') ? s?.state : 'pending') as AutoAiRagState;
  const level = LEVELS.includes(s?.messageLevel ?? '') ? (s?.messageLevel as string) : state === 'failed' ? 'error' : 'info';
  return {
    state,
    ...(s?.step ? { step: s.step } : {}),
    ...(s?.messageText ? { message: { level, text: s.messageText } } : {}),
    ...(s?.runningAt ? { running_at: s.runningAt.toISOString() } : {}),
    ...(s?.completedAt ? { completed_at: s.completedAt.toISOString() } : {}),
    ...(state === 'failed'
      ? {
          failure: {
            trace: id,
            errors: [{ code: s?.failureCode || 'autoai_rag_failed', message: s?.messageText || 'The AutoAI RAG run failed.' }],
            status_code: 500,
          },
        }
      : {}),
  };
}

/**
 * An AutoAI RAG run as the seed's example: metadata, and the entity (the request's fields as given, results_reference
 * with the run's paths, the evaluated patterns best first, the status).
 */
export function autoAiRagView(x: documentsV1.RagExperiment): AutoAiRagJson {
  const entity = jsonObjectOf(x.requestJson) ?? {};
  const results = entity.results_reference;
  const optional: Record<string, unknown> = {};
  for (const field of ['parameters', 'hardware_spec', 'custom'] as const) if (isObject(entity[field])) optional[field] = entity[field];
  if (Array.isArray(entity.vector_store_references)) optional.vector_store_references = referencesIn(entity.vector_store_references);
  const created = x.createdAt ?? new Date(0);
  return {
    metadata: resourceMetadata({
      id: x.id,
      projectId: x.projectId,
      spaceId: x.spaceId,
      name: x.name,
      description: x.description,
      tags: x.tags,
      owner: x.createdBy,
      createdAt: created,
      modifiedAt: x.status?.completedAt ?? x.status?.runningAt ?? created,
    }),
    entity: {
      input_data_references: referencesIn(entity.input_data_references),
      test_data_references: referencesIn(entity.test_data_references),
      results_reference: isObject(results) ? (results as unknown as DataReferenceJson) : { type: 'container', location: {} },
      ...optional,
      results: resultsOf(x.resultsJson),
      status: ragStatusView(x.id, x.status),
    },
  };
}
