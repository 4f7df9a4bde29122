import { Inject, Injectable } from '@nestjs/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, servedDefaultModel } from '@platform/common';
import { AgentsConfig } from '../agents.config';
import { InferenceCalls } from './inference-calls';

/** Tokens a model's tokenizer may add to an input (BOS, EOS) that chunks must leave room for. */
const SPECIAL_TOKENS = 2;

export interface ChunkSettings {
  maxTokens: number;
  overlapTokens: number;
}

/**
 * Which model chunks and embeds a bank, and how large its chunks are. A new bank takes PLATFORM_AGENTS_EMBEDDING_MODEL,
 * else the served default model, and keeps it: its vectors are only comparable with that model's.
 */
@Injectable()
export class EmbeddingModels {
  constructor(
    private readonly inference: InferenceCalls,
    @Inject(AgentsConfig.token) private readonly config: AgentsConfig,
  ) {}

  /** The model a bank created now uses; it must be in the catalog and able to embed. */
  async forNewBank(): Promise<string> {
    const catalog = await this.inference.catalog();
    const modelId = this.config.memoryBanks.embeddingModel || servedDefaultModel(catalog);
    const model = catalog.find((m) => m.modelId === modelId);
    if (!modelId || !model)
      throw new PlatformError(
        GrpcStatus.FAILED_PRECONDITION,
        'embedding_model_unavailable',
        modelId ? `The embedding model "${modelId}" is not served.` : 'No model is served to embed memory bank documents.',
      );
    if (!model.functions.includes('embedding'))
      throw new PlatformError(
        GrpcStatus.FAILED_PRECONDITION,
        'embedding_model_unavailable',
        `The model "${modelId}" does not serve embeddings.`,
      );
    return modelId;
  }

  /** Chunk bounds for the model: the configured size, lowered to its context length (less its special tokens). */
  async chunkSettings(modelId: string): Promise<ChunkSettings> {
    const { chunkTokens, chunkOverlapTokens } = this.config.memoryBanks;
    const context = (await this.inference.catalog()).find((m) => m.modelId === modelId)?.maxSequenceLength ?? 0;
    const maxTokens = context > SPECIAL_TOKENS ? Math.min(chunkTokens, context - SPECIAL_TOKENS) : chunkTokens;
    return { maxTokens, overlapTokens: Math.min(chunkOverlapTokens, Math.floor(maxTokens / 2)) };
  }
}
