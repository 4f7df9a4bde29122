import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cpuBudget } from '@platform/common/cpu-budget';
import {
  type ChatTemplateMessage,
  type ConstraintSpec,
  EngineOverloadedError,
  type EngineStats,
  type GenerateRequest,
  type GenerationEvent,
  type LlamaConfig,
  type MatmulKernel,
  type OutputConstraint,
  type SamplingParams,
  type ServedModel,
} from './contract';
import { EventQueue } from './event-queue';
import { KvCache } from './kv-cache';
import { LlamaModel } from './model';
import { headDim, loadModelDir } from './model-dir';
import { detokenizationPrefix, OutputText } from './output-text';
import { Rng } from './rng';
import { Scheduler } from './scheduler';
import type { EmbedSequence, GenerateSequence, Sequence } from './sequence';
import { ConstraintCompiler, xgrammarVocabulary } from './structured';
import type { Tokenizer } from './tokenizer';
import { readSoftPrompt, readVerbalizer } from './tuned-model-files';
import type { Verbalizer } from './verbalizer';

export interface ServedModelOptions {
  /** Model id reported to clients; defaults to the directory name. */
  id?: string;
  /** KV cache budget in bytes; decides how many tokens can be in flight across all sequences. */
  kvCacheBytes?: number;
  /** Most sequences decoded together in one step. */
  maxNumSeqs?: number;
  /** Waiting-queue length beyond which generate() throws EngineOverloadedError. */
  maxWaiting?: number;
  /**
   * Threads for the matmuls and attention (the caller plus threads-1 workers), at most the cores this process may use
   * (cpuBudget). Default 1: several replicas may share a machine; the engine server asks for every core it may use
   * (tools/bench/engine measures both).
   */
  threads?: number;
  /** Fused multiply-add in the matmuls wherever the runtime has relaxed SIMD (default true; the benchmark compares). */
  fused?: boolean;
  /** Token budget per step (prompt chunks + decode tokens). */
  maxBatchTokens?: number;
  /** Cap on prompt + output length; also bounded by max_position_embeddings and the KV budget. */
  maxModelLen?: number;
  /** Compiled structured-output grammars kept (least recently used evicted). */
  grammarCacheSize?: number;
}

const DEFAULT_KV_BYTES = 256 * 1024 * 1024;

/** eos ids from config.json, generation_config.json (Llama 3 lists several there) and the tokenizer. */
function collectEosIds(dir: string, config: LlamaConfig, tokenizer: Tokenizer): number[] {
  const ids = new Set<number>();
  const add = (v: unknown): void => {
    if (typeof v === 'number') ids.add(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  add(config.eos_token_id);
  const genPath = join(dir, 'generation_config.json');
  if (existsSync(genPath)) add((JSON.parse(readFileSync(genPath, 'utf8')) as { eos_token_id?: unknown }).eos_token_id);
  if (ids.size === 0 && tokenizer.eosTokenId !== undefined) ids.add(tokenizer.eosTokenId);
  return [...ids];
}

class LocalServedModel implements ServedModel {
  readonly id: string;
  readonly config: LlamaConfig;
  readonly kernel: MatmulKernel;
  readonly maxModelLen: number;
  readonly eosTokenIds: number[];
  readonly verbalizer?: Verbalizer;
  readonly virtualTokens: number;
  /** The soft prompt's token ids (vocab_size on), put before every prompt; empty for a plain model. */
  private readonly prefix: number[];
  private nextSeqId = 1;
  private anchor?: number[];
  private closed = false;
  /** Every constraint ever handed to generate(): one holds one sequence's parse state, so it is never taken twice. */
  private readonly constraintsTaken = new WeakSet<OutputConstraint>();
  readonly constraints: ConstraintCompiler;

  constructor(
    id: string,
    private readonly model: LlamaModel,
    private readonly tokenizer: Tokenizer,
    eosTokenIds: number[],
    maxModelLen: number,
    readonly maxWaiting: number,
    readonly scheduler: Scheduler,
    grammarCacheSize: number | undefined,
    verbalizer: Verbalizer | undefined,
  ) {
    this.id = id;
    this.config = model.config;
    this.kernel = model.kernel;
    this.eosTokenIds = eosTokenIds;
    this.maxModelLen = maxModelLen;
    this.verbalizer = verbalizer;
    this.virtualTokens = model.virtualTokens;
    this.prefix = Array.from({ length: model.virtualTokens }, (_, i) => model.config.vocab_size + i);
    const vocabSize = model.config.vocab_size;
    this.constraints = new ConstraintCompiler(() => xgrammarVocabulary(tokenizer, vocabSize, eosTokenIds), vocabSize, {
      cacheSize: grammarCacheSize,
    });
  }

  encode(text: string, addSpecialTokens = true): number[] {
    return this.tokenizer.encode(text, addSpecialTokens);
  }

  minTokens(text: string): number {
    return this.tokenizer.minTokens(text);
  }

  decode(ids: number[], skipSpecialTokens = true): string {
    return this.tokenizer.decode(ids, skipSpecialTokens);
  }

  tokenToString(id: number): string {
    return this.tokenizer.tokenToString(id);
  }

  applyChatTemplate(messages: ChatTemplateMessage[], addGenerationPrompt = true, extra?: Record<string, unknown>): string {
    return this.tokenizer.applyChatTemplate(messages, addGenerationPrompt, extra);
  }

  createConstraint(spec: ConstraintSpec): Promise<OutputConstraint> {
    if (this.closed) return Promise.reject(new Error('model is closed'));
    return this.constraints.create(spec);
  }

  private admissionCheck(promptLen: number): void {
    if (this.closed) throw new Error('model is closed');
    if (promptLen === 0) throw new Error('prompt is empty');
    if (promptLen >= this.maxModelLen) {
      throw new Error(`prompt has ${promptLen} tokens; this model accepts at most ${this.maxModelLen - 1}`);
    }
    if (this.scheduler.waiting.length >= this.maxWaiting) throw new EngineOverloadedError();
  }

  /** Throws synchronously (EngineOverloadedError, bad prompt) before any event; then streams one event per step. */
  generate(req: GenerateRequest): AsyncIterable<GenerationEvent> {
    const { promptTokenIds, params } = req;
    const constraint = params.constraint;
    if (constraint) {
      if (this.constraintsTaken.has(constraint)) throw new Error('an output constraint serves one sequence only; create one per sequence');
      this.constraintsTaken.add(constraint);
    }
    try {
      this.admissionCheck(promptTokenIds.length);
      for (const t of promptTokenIds) {
        if (!Number.isInteger(t) || t < 0 || t >= this.config.vocab_size) throw new Error(`token id ${t} outside vocabulary`);
      }
    } catch (err) {
      constraint?.release(); // generate() owns the constraint from the call on, refused or not
      throw err;
    }
    const stopIds = [...(params.ignoreEos ? [] : this.eosTokenIds), ...(params.stopTokenIds ?? [])];
    const seq: GenerateSequence = {
      kind: 'generate',
      id: this.nextSeqId++,
      tokens: [...this.prefix, ...promptTokenIds],
      promptLen: this.prefix.length + promptTokenIds.length,
      prefixLen: this.prefix.length,
      computed: 0,
      blocks: [],
      aborted: false,
      done: false,
      params: { ...params, maxTokens: Math.max(1, params.maxTokens) },
      sampler: {
        params,
        rng: new Rng(params.seed),
        seen: new Set(promptTokenIds),
        outputCounts: new Map(),
        outputLength: 0,
        stopIds,
        eosIds: this.eosTokenIds,
      },
      text: this.outputText(promptTokenIds, params),
      queue: new EventQueue<GenerationEvent>(() => this.abort(seq)),
      promptLogprobs: params.promptLogprobs !== undefined ? [] : undefined,
      promptLogprobsDone: false,
      firstEventSent: false,
    };
    const signal = req.signal;
    if (signal) {
      if (signal.aborted) seq.aborted = true;
      const onAbort = (): void => this.abort(seq);
      signal.addEventListener('abort', onAbort, { once: true });
      seq.detach = () => signal.removeEventListener('abort', onAbort);
    }
    this.scheduler.add(seq);
    return seq.queue;
  }

  /** Plain text to decode an output after when the prompt has none (see detokenizationPrefix). */
  private get anchorIds(): number[] {
    this.anchor ??= this.tokenizer.encode('a', false);
    return this.anchor;
  }

  /** The output decoded after the prompt's last tokens, as vLLM detokenizes (so a leading `▁` stays a space). */
  private outputText(promptTokenIds: readonly number[], params: SamplingParams): OutputText {
    const skip = params.skipSpecialTokens ?? true;
    const decode = (ids: number[]): string => this.tokenizer.decode(ids, skip);
    const prefix = detokenizationPrefix(promptTokenIds, decode, this.anchorIds);
    return new OutputText(decode, params.stop ?? [], params.includeStopStrInOutput ?? false, prefix);
  }

  private abort(seq: Sequence): void {
    if (seq.done || seq.aborted) return;
    seq.aborted = true;
    this.scheduler.kick();
  }

  embed(inputs: number[][], signal?: AbortSignal): Promise<number[][]> {
    try {
      for (const ids of inputs) this.admissionCheck(ids.length);
    } catch (err) {
      return Promise.reject(err);
    }
    const seqs: EmbedSequence[] = [];
    const vectors = Promise.all(
      inputs.map(
        (ids) =>
          new Promise<number[]>((resolvePromise, reject) => {
            const seq: EmbedSequence = {
              kind: 'embed',
              id: this.nextSeqId++,
              tokens: [...this.prefix, ...ids],
              promptLen: this.prefix.length + ids.length,
              prefixLen: this.prefix.length,
              computed: 0,
              blocks: [],
              aborted: signal?.aborted ?? false,
              done: false,
              sum: new Float64Array(this.config.hidden_size),
              resolve: resolvePromise,
              reject,
            };
            seqs.push(seq);
            this.scheduler.add(seq);
          }),
      ),
    );
    // Up to 2,048 inputs of one request: nobody waits for the rest once one has failed or the caller has gone.
    const abortRest = (): void => seqs.forEach((seq) => this.abort(seq));
    signal?.addEventListener('abort', abortRest, { once: true });
    return vectors
      .catch((err: unknown) => {
        abortRest();
        throw err;
      })
      .finally(() => signal?.removeEventListener('abort', abortRest));
  }

  stats(): EngineStats {
    return this.scheduler.stats();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.scheduler.close();
    await this.constraints.close();
    await this.model.close();
  }
}

/**
 * Loads a Hugging Face Llama directory and starts its continuous-batching scheduler. A prompt-tuned directory
 * (prompt_tuning.safetensors beside the base weights) is served as base model + soft prompt: its N virtual tokens
 * take positions 0..N-1 of every sequence, as in training, and are left out of every count the caller sees
 * (maxModelLen, usage, logprobs). Its tuning_config.json verbalizer is exposed for the server to apply.
 */
export async function createServedModel(
  dir: string,
  opts: ServedModelOptions = {},
): Promise<ServedModel & { readonly scheduler: Scheduler; readonly constraints: ConstraintCompiler }> {
  const threads = Math.max(1, Math.min(opts.threads ?? 1, cpuBudget()));
  // The model copies every weight into its own arena, so the loaded tensors need not be shared.
  const { config, weights, tokenizer } = loadModelDir(dir);
  const softPrompt = readSoftPrompt(dir, config.hidden_size);
  const virtualTokens = softPrompt?.rows ?? 0;
  const layers = config.num_hidden_layers;
  const kvDim = config.num_key_value_heads * headDim(config);
  const maxNumSeqs = opts.maxNumSeqs ?? 32;
  // No point reserving more than every sequence at full length could use.
  const fullNeed = KvCache.bytesPerToken(layers, kvDim) * maxNumSeqs * config.max_position_embeddings;
  const kvCacheBytes = opts.kvCacheBytes ?? Math.min(DEFAULT_KV_BYTES, fullNeed);
  const model = new LlamaModel(config, weights, {
    threads,
    maxBatchTokens: opts.maxBatchTokens ?? 512,
    kvCacheBytes,
    virtualEmbeddings: softPrompt?.data,
    fused: opts.fused,
  });
  weights.clear(); // the model holds packed copies; let the originals go
  // Positions a sequence may take, virtual tokens included; callers see what is left for their own tokens.
  const positions = Math.min((opts.maxModelLen ?? Infinity) + virtualTokens, config.max_position_embeddings, model.kv.capacityTokens);
  if (positions - virtualTokens < 2) {
    await model.close();
    throw new Error(`${dir}: a soft prompt of ${virtualTokens} tokens leaves no room for a prompt in ${positions} positions`);
  }
  const eosTokenIds = collectEosIds(dir, config, tokenizer);
  const scheduler = new Scheduler(model, {
    maxNumSeqs,
    maxModelLen: positions,
    eosTokenIds,
    tokenText: (id) => tokenizer.tokenToString(id),
  });
  return new LocalServedModel(
    opts.id ?? basename(resolve(dir)),
    model,
    tokenizer,
    eosTokenIds,
    positions - virtualTokens,
    opts.maxWaiting ?? 256,
    scheduler,
    opts.grammarCacheSize,
    readVerbalizer(dir),
  );
}
