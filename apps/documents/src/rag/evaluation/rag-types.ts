/**
 * The AutoAI RAG vocabulary shared by the evaluation code and the experiment job: the seed's constraint and settings
 * shapes (snake_case, as they travel in `parameters` and `results[].context.rag_pattern.settings`) and the evaluation's
 * own records (camelCase).
 */

export const RAG_METRICS = ['answer_correctness', 'faithfulness', 'context_correctness'] as const;
export type RagMetricName = (typeof RAG_METRICS)[number];

/** One test question as read from `test_data_references[0]`. */
export interface RagQuestion {
  question: string;
  correctAnswer: string;
  /** Input documents' ids (their file names) that hold the answer; at least one. */
  correctAnswerDocumentIds: string[];
}

export interface ChunkingSetting {
  method: 'recursive';
  /** Most tokens of the embedding model in one chunk. */
  chunk_size: number;
  /** Tokens repeated from the end of one chunk at the start of the next; < chunk_size. */
  chunk_overlap: number;
}

export type RetrievalMethod = 'simple' | 'window';

export interface RetrievalSetting {
  /** simple: the top chunks; window: each top chunk widened by its neighbours in its document. */
  method: RetrievalMethod;
  number_of_chunks: number;
  /** window only: neighbours taken on each side of a retrieved chunk. */
  window_size?: number;
}

/** `parameters.constraints` after the defaults are applied. */
export interface RagConstraints {
  chunking: ChunkingSetting[];
  embedding_models: string[];
  retrieval: RetrievalSetting[];
  foundation_models: string[];
  max_number_of_rag_patterns: number;
}

/** `parameters` after checks and defaults. */
export interface RagParameters {
  constraints: RagConstraints;
  optimization: { metrics: [RagMetricName] };
  output_logs: boolean;
}

/** One chunking × embedding setting: one index (collection) of the input documents. */
export interface IndexSetting {
  chunking: ChunkingSetting;
  embedding_model: string;
}

/** An index setting with a retrieval setting: what stage 1 scores by context_correctness. */
export interface RetrievalCandidate {
  index: IndexSetting;
  retrieval: RetrievalSetting;
}

/** A pattern to evaluate in stage 2: a retrieval candidate with a foundation model. */
export interface RagPatternPlan extends RetrievalCandidate {
  /** 1-based, in the order the patterns are evaluated; the name and the results folder are `Pattern<iteration>`. */
  iteration: number;
  name: string;
  foundation_model: string;
}

/** A chunk retrieved for a question, best first. */
export interface RetrievedContext {
  document_id: string;
  /** Position of the chunk in its document, from 0. */
  sequence_number: number;
  text: string;
  score: number;
}

/** The three scores of one answered question, each in [0, 1]. */
export type QuestionScores = Record<RagMetricName, number>;

/** A metric over the test questions: the mean and its 95% confidence interval (the seed's `metrics.test_data[]`). */
export interface MetricSummary {
  metric_name: RagMetricName;
  mean: number;
  ci_low: number;
  ci_high: number;
}

/** One test question as a pattern answered it. */
export interface AnsweredQuestion {
  question: RagQuestion;
  answer: string;
  contexts: RetrievedContext[];
  scores: QuestionScores;
}

/** Token counts of several texts, in order (the inference service's Tokenize for the model); as @platform/retrieval's TokenCounter. */
export type CountTokens = (texts: readonly string[]) => Promise<readonly number[]>;
