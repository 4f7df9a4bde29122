import type { FoundationModelSpecJson } from '@platform/api-types';
import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';

/** The seed's foundation model spec, built from what the inference service reports about its pools. */
export type ModelSpec = FoundationModelSpecJson;

export interface TaskSpec {
  task_id: string;
  label: string;
  rank: number;
  description: string;
}

export const TASKS: TaskSpec[] = [
  {
    task_id: 'question_answering',
    label: 'Question answering',
    rank: 1,
    description: 'Answer questions grounded on documents or dynamic content.',
  },
  {
    task_id: 'summarization',
    label: 'Summarization',
    rank: 2,
    description: 'Transform text with domain-specific content into concise summaries.',
  },
  {
    task_id: 'retrieval_augmented_generation',
    label: 'Retrieval-augmented generation',
    rank: 3,
    description: 'Answer from passages retrieved from a knowledge base.',
  },
  { task_id: 'classification', label: 'Classification', rank: 4, description: 'Classify text into categories.' },
  { task_id: 'generation', label: 'Generation', rank: 5, description: 'Generate text in a specific style from instructions and examples.' },
  { task_id: 'extraction', label: 'Extraction', rank: 6, description: 'Extract entities, facts and information from text.' },
  { task_id: 'embedding', label: 'Embedding', rank: 7, description: 'Turn text into vectors for search and clustering.' },
];

const GENERATIVE_TASKS = [
  'question_answering',
  'summarization',
  'retrieval_augmented_generation',
  'classification',
  'generation',
  'extraction',
];

/** A parameter count in watsonx's words: three significant digits and m, b or t ("135m", "8.03b", "15.5b"). */
export function formatParameterCount(count: number): string {
  const [scale, unit] = count >= 1e12 ? [1e12, 't'] : count >= 1e9 ? [1e9, 'b'] : [1e6, 'm'];
  return `${Number((count / scale).toPrecision(3))}${unit}`;
}

/** The size a model id names as one of its dash-separated parts ("granite-3.1-8b-instruct" → "8b"), if it names one. */
function sizeNamedIn(modelId: string): string | undefined {
  const name = modelId.slice(modelId.lastIndexOf('/') + 1).toLowerCase();
  return name.split(/[-_]/).find((part) => /^\d+(\.\d+)?[mbt]$/.test(part));
}

/**
 * `number_params`, which the SDK's FoundationModel requires: the count the model server reports (the engine server
 * does), else the size the model id names, else "unknown" (vLLM and TGI report no count).
 */
function numberParams(m: inferenceV1.ModelInfo): string {
  const count = Number(m.parameterCount ?? 0);
  if (count > 0) return formatParameterCount(count);
  return sizeNamedIn(m.modelId) ?? 'unknown';
}

export function modelSpec(m: inferenceV1.ModelInfo): ModelSpec {
  const [org, name] = m.modelId.includes('/') ? m.modelId.split('/', 2) : ['', m.modelId];
  const generative = m.functions.includes('text_generation');
  return {
    model_id: m.modelId,
    label: name,
    provider: org || m.provider,
    source: m.provider === 'platform' ? 'Platform' : m.provider,
    short_description: `${name}, served by ${m.replicas} replica${m.replicas === 1 ? '' : 's'} of the ${m.provider === 'platform' ? 'platform engine' : m.provider}.`,
    functions: m.functions.map((id) => ({ id })),
    tasks: [...(generative ? GENERATIVE_TASKS : []), ...(m.functions.includes('embedding') ? ['embedding'] : [])].map((id) => ({ id })),
    model_limits: { max_sequence_length: m.maxSequenceLength, ...(generative ? { max_output_tokens: m.maxSequenceLength } : {}) },
    input_tier: 'class_1',
    output_tier: 'class_1',
    number_params: numberParams(m),
    min_shot_size: 0,
    lifecycle: [{ id: 'available', start_date: '2026-01-01' }],
    supported_languages: ['en'],
  };
}

const FILTERS = /^([!]?[^,!]+)(,[!]?[^,!]+)*(:(or|and))?$/;

/** One `filter` of the seed's grammar: modelid_, provider_, source_, input_tier_, output_tier_, tier_, task_, lifecycle_, function_. */
function matches(spec: ModelSpec, filter: string): boolean {
  const prefixes: [string, (s: ModelSpec, v: string) => boolean][] = [
    ['modelid_', (s, v) => s.model_id === v],
    ['provider_', (s, v) => s.provider.toLowerCase() === v.toLowerCase()],
    ['source_', (s, v) => s.source.toLowerCase() === v.toLowerCase()],
    ['input_tier_', (s, v) => s.input_tier === v],
    ['output_tier_', (s, v) => s.output_tier === v],
    ['tier_', (s, v) => s.input_tier === v || s.output_tier === v],
    ['task_', (s, v) => s.tasks.some((t) => t.id === v)],
    ['lifecycle_', (s, v) => s.lifecycle.some((l) => l.id === v)],
    ['function_', (s, v) => s.functions.some((f) => f.id === v)],
  ];
  for (const [prefix, test] of prefixes) if (filter.startsWith(prefix)) return test(spec, filter.slice(prefix.length));
  throw PlatformError.invalid(`Unknown filter '${filter}'.`, 'filters');
}

/** `tfilter[,tfilter][:(or|and)]` where a tfilter is `filter` or `!filter`; `and` is the default. */
export function applyFilters(specs: ModelSpec[], filters: string | undefined): ModelSpec[] {
  if (!filters) return specs;
  if (filters.length > 1000 || !FILTERS.test(filters)) throw PlatformError.invalid(`filters must match ${FILTERS.source}.`, 'filters');
  const [list, op = 'and'] = filters.split(':');
  const terms = list.split(',').map((t) => (t.startsWith('!') ? { negate: true, filter: t.slice(1) } : { negate: false, filter: t }));
  return specs.filter((s) => {
    const results = terms.map((t) => matches(s, t.filter) !== t.negate);
    return op === 'or' ? results.some(Boolean) : results.every(Boolean);
  });
}
