import { PlatformError, type ErrorIssue } from '@platform/common';
import {
  RAG_METRICS,
  type ChunkingSetting,
  type RagConstraints,
  type RagMetricName,
  type RagParameters,
  type RetrievalSetting,
} from './rag-types';

/** What the inference catalog serves, as the constraint checks need it. */
export interface RagModelCatalog {
  /** Models that answer embeddings. */
  embeddingModels: readonly string[];
  /** Models that answer text generation. */
  generationModels: readonly string[];
  defaultEmbeddingModel: string;
  defaultFoundationModel: string;
  /** The most input tokens an embedding model takes; a chunk may not be longer. Undefined: no limit known. */
  embeddingInputTokens?: (modelId: string) => number | undefined;
}

export const DEFAULT_CHUNKING: readonly ChunkingSetting[] = [
  { method: 'recursive', chunk_size: 256, chunk_overlap: 64 },
  { method: 'recursive', chunk_size: 512, chunk_overlap: 128 },
];
export const DEFAULT_RETRIEVAL: readonly RetrievalSetting[] = [
  { method: 'simple', number_of_chunks: 5 },
  { method: 'window', number_of_chunks: 5, window_size: 2 },
];
export const DEFAULT_WINDOW_SIZE = 2;
export const DEFAULT_MAX_PATTERNS = 8;
export const PATTERN_LIMITS = { min: 4, max: 20 } as const;
export const CHUNK_SIZE_LIMITS = { min: 16, max: 8192 } as const;
export const NUMBER_OF_CHUNKS_LIMITS = { min: 1, max: 20 } as const;
export const WINDOW_SIZE_LIMITS = { min: 1, max: 4 } as const;
/** As the gateway's DTO allows: the sample and stage 2's budget keep the work bounded whatever the lists' lengths. */
const MAX_LIST = { chunking: 20, embedding_models: 20, retrieval: 20, foundation_models: 20 } as const;

const P = 'parameters';
const C = `${P}.constraints`;

const CONSTRAINT_KEYS = new Set(['chunking', 'embedding_models', 'retrieval', 'foundation_models', 'max_number_of_rag_patterns']);

/**
 * `parameters` of a create request checked, with the defaults filled in: every problem listed in one
 * INVALID_ARGUMENT, each naming its field (`parameters.constraints.chunking[1].chunk_overlap`). Models must be in the
 * catalog (embedding models with embeddings, foundation models with generation). Default chunk settings longer than
 * an embedding model takes are left out; if none is left, one setting of the model's limit with a quarter overlap.
 */
export function parseRagParameters(raw: unknown, catalog: RagModelCatalog): RagParameters {
  const issues: ErrorIssue[] = [];
  const params = objectAt(raw, P, issues) ?? {};
  const constraints = objectAt(params.constraints, C, issues) ?? {};
  for (const key of Object.keys(constraints))
    if (!CONSTRAINT_KEYS.has(key))
      issues.push(invalid(`${C}.${key}`, `${C}.${key} is not a constraint (${[...CONSTRAINT_KEYS].join(', ')}).`));

  const embedding_models = modelList(
    constraints.embedding_models,
    `${C}.embedding_models`,
    catalog.embeddingModels,
    'embeddings',
    issues,
  ) ?? [catalog.defaultEmbeddingModel];
  const foundation_models = modelList(
    constraints.foundation_models,
    `${C}.foundation_models`,
    catalog.generationModels,
    'text generation',
    issues,
  ) ?? [catalog.defaultFoundationModel];
  const inputLimit = Math.min(...embedding_models.map((m) => catalog.embeddingInputTokens?.(m) ?? Infinity));
  const chunking =
    list(constraints.chunking, `${C}.chunking`, MAX_LIST.chunking, issues, (v, at) => chunkingAt(v, at, inputLimit, issues)) ??
    defaultChunking(inputLimit);
  const retrieval = list(constraints.retrieval, `${C}.retrieval`, MAX_LIST.retrieval, issues, (v, at) => retrievalAt(v, at, issues)) ?? [
    ...DEFAULT_RETRIEVAL,
  ];
  const max_number_of_rag_patterns =
    integerAt(constraints.max_number_of_rag_patterns, `${C}.max_number_of_rag_patterns`, PATTERN_LIMITS, issues) ?? DEFAULT_MAX_PATTERNS;
  const metric = metricOf(params.optimization, issues);
  let output_logs = false;
  if (params.output_logs !== undefined) {
    if (typeof params.output_logs === 'boolean') output_logs = params.output_logs;
    else issues.push(invalid(`${P}.output_logs`, `${P}.output_logs must be true or false.`));
  }
  if (issues.length) throw PlatformError.invalidMany(issues);
  const result: RagConstraints = { chunking, embedding_models, retrieval, foundation_models, max_number_of_rag_patterns };
  return { constraints: result, optimization: { metrics: [metric] }, output_logs };
}

function invalid(field: string, message: string): ErrorIssue {
  return { code: 'invalid_request', message, target: { type: 'field', name: field } };
}

function objectAt(value: unknown, field: string, issues: ErrorIssue[]): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  issues.push(invalid(field, `${field} must be an object.`));
  return undefined;
}

function integerAt(value: unknown, field: string, limits: { min: number; max: number }, issues: ErrorIssue[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= limits.min && value <= limits.max) return value;
  issues.push(invalid(field, `${field} must be an integer from ${limits.min} to ${limits.max}.`));
  return undefined;
}

/** A list constraint: absent → undefined (the default applies); present → 1..max entries, none repeated. */
function list<T>(
  value: unknown,
  field: string,
  max: number,
  issues: ErrorIssue[],
  item: (value: unknown, field: string) => T | undefined,
): T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    issues.push(invalid(field, `${field} must be an array of 1 to ${max} entries.`));
    return undefined;
  }
  const before = issues.length;
  const seen = new Map<string, number>();
  const items: T[] = [];
  value.forEach((v: unknown, i) => {
    const at = `${field}[${i}]`;
    const parsed = item(v, at);
    if (parsed === undefined) return;
    const key = JSON.stringify(parsed);
    const first = seen.get(key);
    if (first !== undefined) issues.push(invalid(at, `${at} repeats ${field}[${first}].`));
    else seen.set(key, i);
    items.push(parsed);
  });
  return issues.length === before ? items : undefined;
}

function modelList(value: unknown, field: string, served: readonly string[], task: string, issues: ErrorIssue[]): string[] | undefined {
  const known = new Set(served);
  return list(value, field, MAX_LIST[field.slice(C.length + 1) as keyof typeof MAX_LIST], issues, (v, at) => {
    if (typeof v !== 'string' || v.length === 0) issues.push(invalid(at, `${at} must be a model id.`));
    else if (!known.has(v))
      issues.push(invalid(at, `${at} "${v}" is not a model the platform serves for ${task} (${served.join(', ') || 'none'}).`));
    else return v;
    return undefined;
  });
}

function exactKeys(record: Record<string, unknown>, allowed: readonly string[], at: string, issues: ErrorIssue[]): void {
  for (const key of Object.keys(record))
    if (!allowed.includes(key)) issues.push(invalid(`${at}.${key}`, `${at}.${key} is not a field (${allowed.join(', ')}).`));
}

function chunkingAt(value: unknown, at: string, inputLimit: number, issues: ErrorIssue[]): ChunkingSetting | undefined {
  const record = objectAt(value, at, issues);
  if (!record) {
    if (value === undefined || value === null) issues.push(invalid(at, `${at} must be an object.`));
    return undefined;
  }
  const before = issues.length;
  exactKeys(record, ['method', 'chunk_size', 'chunk_overlap'], at, issues);
  const method = record.method ?? 'recursive';
  if (method !== 'recursive') issues.push(invalid(`${at}.method`, `${at}.method must be recursive.`));
  const size = record.chunk_size;
  const sizeLimits = { min: CHUNK_SIZE_LIMITS.min, max: Math.min(CHUNK_SIZE_LIMITS.max, inputLimit) };
  if (size === undefined) issues.push(invalid(`${at}.chunk_size`, `${at}.chunk_size is required.`));
  else if (integerAt(size, `${at}.chunk_size`, sizeLimits, issues) === undefined && sizeLimits.max < CHUNK_SIZE_LIMITS.max) {
    const last = issues[issues.length - 1];
    last.message += ` The embedding models take at most ${sizeLimits.max} tokens.`;
  }
  const overlap = record.chunk_overlap ?? 0;
  if (typeof overlap !== 'number' || !Number.isInteger(overlap) || overlap < 0 || (typeof size === 'number' && overlap >= size))
    issues.push(invalid(`${at}.chunk_overlap`, `${at}.chunk_overlap must be an integer from 0 to chunk_size - 1.`));
  if (issues.length > before) return undefined;
  return { method: 'recursive', chunk_size: size as number, chunk_overlap: overlap as number };
}

function retrievalAt(value: unknown, at: string, issues: ErrorIssue[]): RetrievalSetting | undefined {
  const record = objectAt(value, at, issues);
  if (!record) {
    if (value === undefined || value === null) issues.push(invalid(at, `${at} must be an object.`));
    return undefined;
  }
  const before = issues.length;
  exactKeys(record, ['method', 'number_of_chunks', 'window_size'], at, issues);
  const method = record.method;
  if (method !== 'simple' && method !== 'window') issues.push(invalid(`${at}.method`, `${at}.method must be simple or window.`));
  const chunks = record.number_of_chunks ?? 5;
  integerAt(chunks, `${at}.number_of_chunks`, NUMBER_OF_CHUNKS_LIMITS, issues);
  let windowSize: number | undefined;
  if (method === 'window')
    windowSize = integerAt(record.window_size ?? DEFAULT_WINDOW_SIZE, `${at}.window_size`, WINDOW_SIZE_LIMITS, issues);
  else if (record.window_size !== undefined)
    issues.push(invalid(`${at}.window_size`, `${at}.window_size applies to the window method only.`));
  if (issues.length > before) return undefined;
  return method === 'window'
    ? { method, number_of_chunks: chunks as number, window_size: windowSize }
    : { method: 'simple', number_of_chunks: chunks as number };
}

function metricOf(value: unknown, issues: ErrorIssue[]): RagMetricName {
  const field = `${P}.optimization`;
  const optimization = objectAt(value, field, issues);
  const metrics = optimization?.metrics;
  if (metrics === undefined) return 'answer_correctness';
  const at = `${field}.metrics`;
  if (!Array.isArray(metrics) || metrics.length !== 1 || !RAG_METRICS.includes(metrics[0] as RagMetricName)) {
    issues.push(invalid(at, `${at} must hold exactly one of ${RAG_METRICS.join(', ')}.`));
    return 'answer_correctness';
  }
  return metrics[0] as RagMetricName;
}

function defaultChunking(inputLimit: number): ChunkingSetting[] {
  const fitting = DEFAULT_CHUNKING.filter((c) => c.chunk_size <= inputLimit);
  if (fitting.length) return fitting.map((c) => ({ ...c }));
  return [{ method: 'recursive', chunk_size: inputLimit, chunk_overlap: Math.floor(inputLimit / 4) }];
}
