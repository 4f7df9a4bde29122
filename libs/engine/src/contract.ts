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
  /** vLLM's `skip_special_tokens` (default true): whether the event text leaves special tokens out. */
  skipSpecialTokens?: boolean;
  logprobs?: number; // number of top alternatives per generated token; undefined = none
  promptLogprobs?: number; // likewise for prompt tokens
  /** Added to the raw logits before penalties and sampling (OpenAI `logit_bias`: token id → bias in [-100, 100]). */
  logitBias?: ReadonlyMap<number, number>;
  /**
   * Structured output: only tokens this constraint allows are sampled, so the output is valid by construction. One
   * per sequence (it holds the sequence's parse state): make one with `ServedModel.createConstraint` for each choice;
   * generate() throws when given one it has seen before. generate() owns it from the call on and releases it when
   * the sequence ends or when it refuses the request. When the constraint allows nothing more that may be sampled
   * (complete, but EOS is ignored or below minTokens) the sequence ends 'stop'.
   */
  constraint?: OutputConstraint;
}

/**
 * What the output must match: vLLM's structured outputs (`structured_outputs` / `guided_*` / `response_format`).
 * JSON is written with a little whitespace between tokens at most, or none with `disableAnyWhitespace` (vLLM's
 * `structured_outputs.disable_any_whitespace`).
 */
export type ConstraintSpec =
  | { kind: 'json_object'; disableAnyWhitespace?: boolean } // any JSON object
  | { kind: 'json_schema'; schema: string; disableAnyWhitespace?: boolean } // JSON text of a JSON Schema
  | { kind: 'regex'; pattern: string }
  | { kind: 'choice'; choices: string[] } // exactly one of these strings
  | { kind: 'grammar'; grammar: string } // EBNF as vLLM's default (xgrammar) backend reads it, root rule `root`
  | { kind: 'structural_tag'; tag: string; disableAnyWhitespace?: boolean }; // JSON text of an xgrammar structural tag (free text with constrained parts)

/** A spec the engine cannot compile (syntax error, unsupported keyword, over a size limit); the message is safe to show. */
export class InvalidConstraintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConstraintError';
  }
}

/** The parse state of one sequence under a constraint; the scheduler drives it and releases it when the sequence ends. */
export interface OutputConstraint {
  /** Bitmask of the tokens allowed next: bit (id & 31) of word (id >> 5); all zero once terminated or released. */
  allowedTokens(): Int32Array;
  /** Advances past a sampled token; false if the token was not allowed (it then changes nothing). */
  accept(tokenId: number): boolean;
  /** True once the constraint has accepted a stop token: nothing may follow. */
  isTerminated(): boolean;
  /** Frees the native state; idempotent. */
  release(): void;
}

export interface TokenLogprob {
  tokenId: number;
  token: string;
  logprob: number;
  rank: number; // 1-based rank of the chosen token in the distribution
  top: { tokenId: number; token: string; logprob: number }[];
}

export type FinishReason = 'stop' | 'length' | 'abort';

/** A chat message as chat templates read it: OpenAI's fields, with tool-call arguments as objects (HF convention). */
export interface ChatTemplateMessage {
  role: string;
  content: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: unknown } }[];
  tool_call_id?: string;
  name?: string;
}

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
  /** Prompt tokens run through the model (prefill and embedding inputs), counted as they are computed. */
  promptTokensTotal: number;
  generationTokensTotal: number;
}

/**
 * What runs the model's matmuls: WebAssembly SIMD blocks with fused multiply-adds (relaxed SIMD) or separate ones, or
 * the plain JS kernel where WebAssembly is unavailable.
 */
export type MatmulKernel = 'wasm-simd-fused' | 'wasm-simd' | 'js';

/** A loaded model with its scheduler: what the engine server serves. */
export interface ServedModel {
  readonly id: string;
  readonly config: LlamaConfig;
  readonly kernel: MatmulKernel;
  /** Prompt + output tokens a caller may use (a soft prompt's virtual tokens are not counted here or anywhere else). */
  readonly maxModelLen: number;
  /** Prompt tuning's soft prompt length: virtual tokens put before every sequence (0 for a plain model). */
  readonly virtualTokens?: number;
  /** A tuned model's verbalizer (tuning_config.json): the server renders text-completion prompts through it. */
  readonly verbalizer?: { template: string; responseTemplate?: string };
  encode(text: string, addSpecialTokens?: boolean): number[];
  /** A lower bound on the tokens of `text` from its length alone, without tokenizing it (0 when there is none). */
  minTokens(text: string): number;
  decode(ids: number[], skipSpecialTokens?: boolean): string;
  tokenToString(id: number): string;
  /** `extra` reaches the template as variables, e.g. `tools` for templates with their own tool syntax. */
  applyChatTemplate(messages: ChatTemplateMessage[], addGenerationPrompt?: boolean, extra?: Record<string, unknown>): string;
  /** Compiles `spec` for this model's vocabulary (compiled forms are cached) and starts one sequence's constraint. */
  createConstraint(spec: ConstraintSpec): Promise<OutputConstraint>;
  readonly eosTokenIds: number[];
  /** Sequences that may wait to be scheduled at once; `generate` refuses more with EngineOverloadedError. */
  readonly maxWaiting: number;
  /** Streams events until the sequence ends; throws `EngineOverloadedError` when the waiting queue is full. */
  generate(req: GenerateRequest): AsyncIterable<GenerationEvent>;
  /**
   * Mean-pooled, L2-normalised final hidden states, batched across inputs. `signal` aborts the inputs not yet
   * embedded (the promise rejects); so does any input failing.
   */
  embed(inputs: number[][], signal?: AbortSignal): Promise<number[][]>;
  stats(): EngineStats;
  close(): Promise<void>;
}

export class EngineOverloadedError extends Error {
  constructor(message = 'Model is overloaded') {
    super(message);
    this.name = 'EngineOverloadedError';
  }
}
