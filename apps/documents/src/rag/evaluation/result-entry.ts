import type { RagPatternResultJson } from '@platform/api-types';
import type { MetricSummary, RagPatternPlan } from './rag-types';
import { patternLocation, type PatternLocation } from './result-locations';

export const COMPOSITION_STEPS = ['vector_store', 'chunking', 'embeddings', 'retrieval', 'generation'] as const;

/** The seed's document schema of a pattern's vector store: the fields every indexed chunk carries. */
export const VECTOR_STORE_SCHEMA = {
  id: 'autoai_rag_1.0.0',
  name: 'AutoAI RAG document schema',
  type: 'struct',
  fields: [
    { name: 'text', description: 'text field', type: 'string', role: 'text' },
    { name: 'document_id', description: 'document name field', type: 'string', role: 'document_name' },
    { name: 'start_index', description: 'chunk starting character position in the source document', type: 'number', role: 'start_index' },
    { name: 'sequence_number', description: 'chunk number per document', type: 'number', role: 'sequence_number' },
    { name: 'vector', description: 'vector embeddings', type: 'array', role: 'vector_embeddings' },
  ],
} as const;

/**
 * A pattern's settings as the seed's `rag_pattern.settings` shows them. A type alias, not an interface: the public
 * type's `settings` is a Record, which only an alias is assignable to.
 */
export type RagPatternSettings = {
  vector_store: {
    datasource_type: string;
    index_name: string;
    distance_metric: string;
    operation: string;
    schema: typeof VECTOR_STORE_SCHEMA;
  };
  chunking: { method: string; chunk_size: number; chunk_overlap: number };
  embeddings: { model_id: string; truncate_strategy?: string; truncate_input_tokens?: number };
  retrieval: { method: string; number_of_chunks: number; window_size?: number };
  generation: { model_id: string; parameters: Record<string, unknown>; prompt_template_text: string };
};

/** One entry of the seed's `entity.results[]`: the public type, with the settings typed as this code builds them. */
export interface RagResultEntry extends RagPatternResultJson {
  context: {
    rag_pattern: {
      composition_steps: string[];
      location: PatternLocation;
      name: string;
      settings: RagPatternSettings;
    };
    iteration: number;
    max_combinations: number;
  };
}

export interface ResultEntryInput {
  plan: RagPatternPlan;
  metrics: readonly MetricSummary[];
  /** The experiment's `results_reference.location.assets_path`. */
  assetsPath: string;
  maxCombinations: number;
  /** The pattern's index (collection) name in the vector store. */
  indexName: string;
  /** The embedding model's input limit, when known (chunks are cut to fit it, never truncated). */
  embeddingInputTokens?: number;
  generationParameters: Record<string, unknown>;
  promptTemplateText: string;
}

/** Scores are shown to 4 decimals (rounding keeps ci_low ≤ mean ≤ ci_high). */
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** A pattern's entry of `results[]`: its metrics (mean and 95% interval), its files, its settings, as the seed shows. */
export function buildResultEntry(input: ResultEntryInput): RagResultEntry {
  const { plan } = input;
  const retrieval: RagPatternSettings['retrieval'] = { method: plan.retrieval.method, number_of_chunks: plan.retrieval.number_of_chunks };
  if (plan.retrieval.method === 'window') retrieval.window_size = plan.retrieval.window_size;
  const embeddings: RagPatternSettings['embeddings'] = { model_id: plan.index.embedding_model };
  if (input.embeddingInputTokens !== undefined) {
    embeddings.truncate_strategy = 'left';
    embeddings.truncate_input_tokens = input.embeddingInputTokens;
  }
  return {
    metrics: {
      test_data: input.metrics.map((m) => ({
        metric_name: m.metric_name,
        mean: round(m.mean),
        ci_high: round(m.ci_high),
        ci_low: round(m.ci_low),
      })),
    },
    context: {
      rag_pattern: {
        composition_steps: [...COMPOSITION_STEPS],
        location: patternLocation(input.assetsPath, plan.name),
        name: plan.name,
        settings: {
          vector_store: {
            // The platform's embedded index (@platform/retrieval's LanceDB tables); no external vector database.
            datasource_type: 'lancedb',
            index_name: input.indexName,
            distance_metric: 'cosine',
            operation: 'upsert',
            schema: VECTOR_STORE_SCHEMA,
          },
          chunking: { ...plan.index.chunking },
          embeddings,
          retrieval,
          generation: {
            model_id: plan.foundation_model,
            parameters: { ...input.generationParameters },
            prompt_template_text: input.promptTemplateText,
          },
        },
      },
      iteration: plan.iteration,
      max_combinations: input.maxCombinations,
    },
  };
}
