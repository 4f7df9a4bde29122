import type { inferenceV1 } from '@platform/contracts';

/**
 * The service's own vocabulary between the gRPC handlers and the model-server dialects: handlers speak watsonx,
 * adapters speak vLLM or TGI, and neither knows the other's wire format.
 */

export interface CompletionParams {
  prompt: string;
  maxTokens?: number;
  minTokens?: number;
  greedy: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  repetitionPenalty?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stop: string[];
  includeStop: boolean;
  /** Ask for per-token log-probabilities with this many alternatives (0: only the chosen token's); undefined: none. */
  logprobs?: number;
  truncatePromptTokens?: number;
  /** OpenAI `logit_bias`: token id (decimal text) → bias added to its logit. */
  logitBias?: Record<string, number>;
}

export interface TokenDetail {
  text: string;
  logprob?: number;
  top: { text: string; logprob: number }[];
}

export interface CompletionDelta {
  text: string;
  tokens: TokenDetail[];
  /** Set on the last delta only (see `backendStopReason`). */
  finish?: inferenceV1.StopReason;
  /** Running totals when the backend reports them. */
  promptTokens?: number;
  completionTokens?: number;
  seed?: number;
}

/** An OpenAI chat-completions body (the dialect vLLM, TGI's Messages API and the engine server share). */
export type OpenAiChatBody = Record<string, unknown> & { messages: unknown[] };

export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatDelta {
  /** The choice this delta belongs to; undefined for the usage-only chunk. */
  index?: number;
  role?: string;
  content?: string;
  toolCalls?: ChatToolCallDelta[];
  /** Set on the choice's last delta only (see `backendStopReason`). */
  finish?: inferenceV1.StopReason;
  logprobs?: { token: string; logprob: number; top: { token: string; logprob: number }[] }[];
  usage?: { prompt: number; completion: number };
}

export interface EmbedResult {
  vectors: number[][];
  promptTokens: number;
}

export interface TokenizeResult {
  count: number;
  tokens: string[];
}

/** One prompt token with its log-probability (undefined for the first token) and where it starts in the prompt. */
export interface PromptToken {
  text: string;
  logprob?: number;
  offset: number;
  /** 1 for the model's likeliest token at that position; undefined when the server does not say. */
  rank?: number;
  /** The likeliest tokens at that position, best first, as many as were asked for. */
  top?: { text: string; logprob: number }[];
}

export interface DiscoveredModel {
  id: string;
  maxModelLen?: number;
  /** The model's weight count, where the server reports it (the engine server does; vLLM and TGI do not). */
  parameterCount?: number;
}

/** One model server's dialect. `model` is the name the backend serves the model under. */
export interface ModelServerAdapter {
  readonly kind: 'openai' | 'tgi';
  readonly url: string;
  completionStream(model: string, params: CompletionParams, signal: AbortSignal): AsyncIterable<CompletionDelta>;
  chatStream(model: string, body: OpenAiChatBody, signal: AbortSignal): AsyncIterable<ChatDelta>;
  /** `dimensions`: OpenAI's, for models trained to be cut short (the server refuses it otherwise). */
  embed(model: string, inputs: string[], truncate: number | undefined, signal: AbortSignal, dimensions?: number): Promise<EmbedResult>;
  tokenize(model: string, text: string, signal: AbortSignal): Promise<TokenizeResult>;
  /**
   * Several texts in one call, results in order; undefined when this server turned out not to take batches (the
   * caller then tokenizes one by one). `batchTokenize` is false once that is known, so batching stops being tried.
   */
  tokenizeBatch?(model: string, texts: string[], signal: AbortSignal): Promise<TokenizeResult[] | undefined>;
  readonly batchTokenize?: boolean;
  discover(signal: AbortSignal): Promise<DiscoveredModel[]>;
  /**
   * The prompt's tokens with their log-probabilities (vLLM's `echo`) and `topN` likeliest alternatives each; absent
   * where the dialect has no such call.
   */
  promptLogprobs?(model: string, prompt: string, signal: AbortSignal, topN?: number): Promise<PromptToken[]>;
  /** Liveness of the server process. */
  healthy(signal: AbortSignal): Promise<boolean>;
  /** Requests queued plus running on the backend for this model, from its Prometheus metrics; undefined if unknown. */
  load(model: string, signal: AbortSignal): Promise<number | undefined>;
}
