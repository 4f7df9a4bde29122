/**
 * AutoAI RAG evaluation: pure code the experiment job calls (no I/O). Test data checks, the three metrics and their
 * bootstrap intervals, the search over settings (grid, sample, stage 1 ranking, stage 2 pairing, final ranking), the
 * prompt with its context fitted to the model, the seed's `results[]` entry, `evaluation_results.json`, and the
 * pattern's indexing and inference notebooks. Formulas and strategy: ../README.md.
 */
export * from './rag-types';
export { answerTokens } from './answer-tokens';
export { answerCorrectness, contextCorrectness, faithfulness, scoreQuestion } from './rag-metrics';
export { bootstrapMeanCi, type BootstrapOptions, type MeanWithInterval } from './bootstrap-ci';
export { seedOf, seededRandom } from './seeded-random';
export { MAX_TEST_DATA_BYTES, MAX_TEST_QUESTIONS, TEST_DATA_FIELD, parseTestData } from './test-data';
export {
  DEFAULT_CHUNKING,
  DEFAULT_MAX_PATTERNS,
  DEFAULT_RETRIEVAL,
  DEFAULT_WINDOW_SIZE,
  parseRagParameters,
  type RagModelCatalog,
} from './rag-parameters';
export {
  MAX_INDEX_SETTINGS,
  chunksInPrompt,
  indexSettings,
  maxCombinations,
  planPatterns,
  rankRetrievalCandidates,
  retrievalCandidates,
  sampleIndexSettings,
  type ScoredCandidate,
} from './search-space';
export { rankPatterns, summarizeScores, type EvaluatedPattern } from './pattern-ranking';
export {
  DEFAULT_PROMPT_TEMPLATE,
  buildRagPrompt,
  fillPromptTemplate,
  formatContext,
  type RagPrompt,
  type RagPromptInput,
} from './prompt-template';
export { experimentLocation, patternLocation, type ExperimentLocation, type PatternLocation } from './result-locations';
export {
  COMPOSITION_STEPS,
  VECTOR_STORE_SCHEMA,
  buildResultEntry,
  type RagPatternSettings,
  type RagResultEntry,
  type ResultEntryInput,
} from './result-entry';
export { buildEvaluationResults, evaluationResultsBytes, type EvaluationResultRecord } from './evaluation-results';
export { notebookBytes, type NotebookJson } from './notebook-document';
export { NOTEBOOK_API_VERSION } from './notebook-client';
export { buildIndexingNotebook, notebookBankUuid, type IndexingNotebookInput, type NotebookDocument } from './indexing-notebook';
export { buildInferenceNotebook, type InferenceNotebookInput } from './inference-notebook';
