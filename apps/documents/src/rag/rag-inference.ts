import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { PlatformError, servedDefaultModel, unary, type StorageContainer, downstreamError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import type { RagModelCatalog } from './evaluation';
import { RAG_INFERENCE_SERVICE } from './rag.tokens';

/** Tokens a tokenizer may add to an input (BOS, EOS) that a chunk must leave room for. */
const SPECIAL_TOKENS = 2;
/** Tokenize calls of one count in flight at once. */
const TOKENIZE_CONCURRENCY = 8;

/** A failed inference call as this service reports it (the request's mistake keeps its status, else UNAVAILABLE). */
export const inferenceError = (err: unknown, what: string): PlatformError => downstreamError('inference', err, what);

const ids = (c: StorageContainer) => ({ projectId: c.projectId ?? '', spaceId: c.spaceId ?? '' });

/** The inference calls an experiment makes on its container's behalf: the catalog, token counts, embeddings, generation. */
@Injectable()
export class RagInference {
  constructor(@Inject(RAG_INFERENCE_SERVICE) private readonly inference: inferenceV1.InferenceServiceClient) {}

  async models(): Promise<inferenceV1.ModelInfo[]> {
    try {
      return (await unary(this.inference.listModels({}))).models;
    } catch (err) {
      throw inferenceError(err, 'listing the models');
    }
  }

  /** What the constraint checks need: which models embed, which generate, the defaults and the embedding input limits. */
  async catalog(): Promise<RagModelCatalog> {
    const models = await this.models();
    const embeddingModels = models.filter((m) => m.functions.includes('embedding')).map((m) => m.modelId);
    const generationModels = models.filter((m) => m.functions.includes('text_generation')).map((m) => m.modelId);
    const served = servedDefaultModel(models) ?? '';
    const limits = new Map(models.map((m) => [m.modelId, m.maxSequenceLength]));
    return {
      embeddingModels,
      generationModels,
      defaultEmbeddingModel: embeddingModels.includes(served) ? served : (embeddingModels[0] ?? ''),
      defaultFoundationModel: generationModels.includes(served) ? served : (generationModels[0] ?? ''),
      embeddingInputTokens: (id) => {
        const n = limits.get(id) ?? 0;
        return n > SPECIAL_TOKENS ? n - SPECIAL_TOKENS : undefined;
      },
    };
  }

  /** The model's context window (its max sequence length), or undefined when it is not served. */
  async contextWindow(modelId: string): Promise<number | undefined> {
    return (await this.models()).find((m) => m.modelId === modelId)?.maxSequenceLength || undefined;
  }

  /** The text's tokens as the model's tokenizer cuts them (decoded strings, special tokens included). */
  async tokens(modelId: string, c: StorageContainer, input: string, signal?: AbortSignal): Promise<string[]> {
    try {
      return (await unary(this.inference.tokenize({ modelId, input, ...ids(c), returnTokens: true }), signal)).tokens;
    } catch (err) {
      throw inferenceError(err, `tokenizing with ${modelId}`);
    }
  }

  /** Token counts of several texts by the model's tokenizer, in order (one Tokenize call per distinct text). */
  async countTokens(modelId: string, c: StorageContainer, texts: readonly string[], signal?: AbortSignal): Promise<number[]> {
    const distinct = [...new Set(texts)];
    const counts = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < distinct.length) {
        const text = distinct[next++];
        try {
          const res = await unary(this.inference.tokenize({ modelId, input: text, ...ids(c), returnTokens: false }), signal);
          counts.set(text, res.tokenCount);
        } catch (err) {
          throw inferenceError(err, `tokenizing with ${modelId}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(TOKENIZE_CONCURRENCY, distinct.length) }, worker));
    return texts.map((t) => counts.get(t) ?? 0);
  }

  /** One embedding per input, in order. */
  async embed(modelId: string, c: StorageContainer, inputs: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    let res: inferenceV1.EmbedResponse;
    try {
      res = await unary(this.inference.embed({ modelId, inputs: [...inputs], ...ids(c), returnInputText: false }), signal);
    } catch (err) {
      throw inferenceError(err, `embedding with ${modelId}`);
    }
    if (res.results.length !== inputs.length)
      throw new PlatformError(
        GrpcStatus.UNAVAILABLE,
        'service_unavailable',
        `embedding with ${modelId}: ${res.results.length} embeddings came back for ${inputs.length} inputs`,
      );
    return res.results.map((r) => r.embedding);
  }

  /** The generated text for a prompt. */
  async generate(
    modelId: string,
    c: StorageContainer,
    input: string,
    parameters: inferenceV1.TextGenParameters,
    signal?: AbortSignal,
  ): Promise<string> {
    try {
      const res = await unary(this.inference.generate({ modelId, input, ...ids(c), parameters, moderations: undefined }), signal);
      return res.result?.generatedText ?? '';
    } catch (err) {
      throw inferenceError(err, `generating with ${modelId}`);
    }
  }
}
