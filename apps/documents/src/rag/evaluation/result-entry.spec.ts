import { describe, expect, it } from 'vitest';
import { buildEvaluationResults, evaluationResultsBytes } from './evaluation-results';
import type { AnsweredQuestion, MetricSummary, RagPatternPlan } from './rag-types';
import { buildResultEntry } from './result-entry';
import { experimentLocation, patternLocation } from './result-locations';

const plan: RagPatternPlan = {
  iteration: 3,
  name: 'Pattern3',
  index: { chunking: { method: 'recursive', chunk_size: 256, chunk_overlap: 64 }, embedding_model: 'starter' },
  retrieval: { method: 'window', number_of_chunks: 5, window_size: 2 },
  foundation_model: 'tiny',
};
const metrics: MetricSummary[] = [
  { metric_name: 'answer_correctness', mean: 0.512345, ci_low: 0.43, ci_high: 0.6799999 },
  { metric_name: 'faithfulness', mean: 0.7, ci_low: 0.6, ci_high: 0.8 },
  { metric_name: 'context_correctness', mean: 0.9, ci_low: 0.85, ci_high: 0.95 },
];

describe('result locations', () => {
  it('lays out the experiment and pattern files as the seed’s GET example', () => {
    const loc = experimentLocation('results_autoai/', '6a9362f6');
    expect(loc).toEqual({
      path: 'results_autoai',
      training: 'results_autoai/6a9362f6',
      training_status: 'results_autoai/6a9362f6/rag/training-status.json',
      assets_path: 'results_autoai/6a9362f6/rag/assets',
      training_log: 'results_autoai/6a9362f6/rag/training.log',
    });
    expect(patternLocation(loc.assets_path, 'Pattern1')).toEqual({
      evaluation_results: 'results_autoai/6a9362f6/rag/assets/Pattern1/evaluation_results.json',
      indexing_notebook: 'results_autoai/6a9362f6/rag/assets/Pattern1/indexing_notebook.ipynb',
      inference_notebook: 'results_autoai/6a9362f6/rag/assets/Pattern1/inference_notebook.ipynb',
    });
  });
});

describe('buildResultEntry', () => {
  it('builds the seed’s results[] entry: metrics to 4 decimals, composition steps, locations, settings, iteration', () => {
    const entry = buildResultEntry({
      plan,
      metrics,
      assetsPath: 'r/e1/rag/assets',
      maxCombinations: 16,
      indexName: 'autoai_rag_e1_256_64_starter',
      embeddingInputTokens: 256,
      generationParameters: { max_new_tokens: 64 },
      promptTemplateText: 'T {reference_documents} {question}',
    });
    expect(entry.metrics.test_data[0]).toEqual({ metric_name: 'answer_correctness', mean: 0.5123, ci_high: 0.68, ci_low: 0.43 });
    expect(entry.context).toEqual({
      rag_pattern: {
        composition_steps: ['vector_store', 'chunking', 'embeddings', 'retrieval', 'generation'],
        location: patternLocation('r/e1/rag/assets', 'Pattern3'),
        name: 'Pattern3',
        settings: {
          vector_store: expect.objectContaining({
            datasource_type: 'lancedb',
            index_name: 'autoai_rag_e1_256_64_starter',
            distance_metric: 'cosine',
            operation: 'upsert',
          }),
          chunking: { method: 'recursive', chunk_size: 256, chunk_overlap: 64 },
          embeddings: { model_id: 'starter', truncate_strategy: 'left', truncate_input_tokens: 256 },
          retrieval: { method: 'window', number_of_chunks: 5, window_size: 2 },
          generation: { model_id: 'tiny', parameters: { max_new_tokens: 64 }, prompt_template_text: 'T {reference_documents} {question}' },
        },
      },
      iteration: 3,
      max_combinations: 16,
    });
    expect(entry.context.rag_pattern.settings.vector_store.schema.fields.map((f) => f.role)).toEqual([
      'text',
      'document_name',
      'start_index',
      'sequence_number',
      'vector_embeddings',
    ]);
    // A simple retrieval has no window_size; an unknown input limit gives no truncation settings.
    const simple = buildResultEntry({
      plan: { ...plan, retrieval: { method: 'simple', number_of_chunks: 3 } },
      metrics,
      assetsPath: 'a',
      maxCombinations: 1,
      indexName: 'i',
      generationParameters: {},
      promptTemplateText: '',
    });
    expect(simple.context.rag_pattern.settings.retrieval).toEqual({ method: 'simple', number_of_chunks: 3 });
    expect(simple.context.rag_pattern.settings.embeddings).toEqual({ model_id: 'starter' });
  });
});

describe('evaluation_results.json', () => {
  it('lists each question with its correct answer, answer, contexts and scores', () => {
    const answered: AnsweredQuestion[] = [
      {
        question: { question: 'Q?', correctAnswer: 'A', correctAnswerDocumentIds: ['d.md'] },
        answer: 'the answer',
        contexts: [{ document_id: 'd.md', sequence_number: 2, text: 'chunk', score: 0.25 }],
        scores: { answer_correctness: 1, faithfulness: 0.5, context_correctness: 1 },
      },
    ];
    const records = [
      {
        question_index: 0,
        question: 'Q?',
        correct_answers: ['A'],
        correct_answer_document_ids: ['d.md'],
        answer: 'the answer',
        answer_contexts: [{ text: 'chunk', document_id: 'd.md', sequence_number: 2, score: 0.25 }],
        scores: { answer_correctness: 1, faithfulness: 0.5, context_correctness: 1 },
      },
    ];
    expect(buildEvaluationResults(answered)).toEqual(records);
    const bytes = evaluationResultsBytes(answered);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(records);
    expect(bytes.toString('utf8').endsWith('}\n]\n')).toBe(true);
  });
});
