/**
 * The engine's public surface, agreed up front so the model code, the trainer and the engine server can be
 * written side by side. Implementations live beside this file; the server depends on these types only.
 */

/** Hugging Face `config.json` fields of the Llama family that the engine reads. */
export interface LlamaConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  tie_word_embeddings: boolean;
  bos_token_id?: number;
  eos_token_id?: number | number[];
  head_dim?: number;
}

export interface SamplingParams {
  maxTokens: number;
  minTokens?: number;
  temperature?: number; // 0 = greedy
  topK?: number; // 0 or undefined = off
  topP?: number; // 1 = off
  repetitionPenalty?: number; // 1 = off
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  stop?: string[];
  stopTokenIds?: number[];
  ignoreEos?: boolean;
  includeStopStrInOutput?: boolean;
  logprobs?: number; // number of top alternatives per generated token; undefined = none
  promptLogprobs?: number; // likewise for prompt tokens
}

export interface TokenLogprob {
  tokenId: number;
  token: string;
  logprob: number;
  rank: number; // 1-based rank of the chosen token in the distribution
  top: { tokenId: number; token: string; logprob: number }[];
}

export type FinishReason = 'stop' | 'length' | 'abort';

/** One event per decode step for a sequence; the last one carries `finishReason`. */
export interface GenerationEvent {
  tokenIds: number[]; // new tokens in this step (usually one)
  text: string; // new detokenized text (stop strings already trimmed)
  logprobs?: TokenLogprob[];
  finishReason?: FinishReason;
  stopReason?: string | number; // the stop string or stop token id that ended it, as vLLM reports
  promptTokens: number;
  completionTokens: number;
  promptLogprobs?: (TokenLogprob | null)[]; // on the first event only; null for the first prompt token
}

export interface GenerateRequest {
  promptTokenIds: number[];
  params: SamplingParams;
  signal?: AbortSignal; // aborting frees the sequence within one decode step
}

export interface EngineStats {
  running: number;
  waiting: number;
  kvCacheUsage: number; // 0..1
  promptTokensTotal: number;
  generationTokensTotal: number;
}

/** A loaded model with its scheduler: what the engine server serves. */
export interface ServedModel {
  readonly id: string;
  readonly config: LlamaConfig;
  readonly maxModelLen: number;
  encode(text: string, addSpecialTokens?: boolean): number[];
  /** A lower bound on the tokens of `text` from its length alone, without tokenizing it (0 when there is none). */
  minTokens(text: string): number;
  decode(ids: number[], skipSpecialTokens?: boolean): string;
  tokenToString(id: number): string;
  applyChatTemplate(messages: { role: string; content: string }[], addGenerationPrompt?: boolean): string;
  readonly eosTokenIds: number[];
  /** Streams events until the sequence ends; throws `EngineOverloadedError` when the waiting queue is full. */
  generate(req: GenerateRequest): AsyncIterable<GenerationEvent>;
  /** Mean-pooled, L2-normalised final hidden states, batched across inputs. */
  embed(inputs: number[][]): Promise<number[][]>;
  stats(): EngineStats;
  close(): Promise<void>;
}

export class EngineOverloadedError extends Error {
  constructor(message = 'Model is overloaded') {
    super(message);
    this.name = 'EngineOverloadedError';
  }
}
