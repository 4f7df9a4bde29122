import { Inject, Injectable } from '@nestjs/common';
import { inferenceV1 } from '@platform/contracts';
import { chat, chatStream } from './handlers/chat';
import { embed, listModels, rerank, tokenize } from './handlers/embed-tokenize';
import { foldGeneration, generateStream } from './handlers/generation';
import { scoreContinuations } from './handlers/score-continuations';
import { HAP_SCORER } from './moderations/hap-scorer.token';
import { withModerations, type ModerationDeps } from './moderations/moderated-generation';
import { moderateTexts } from './moderations/moderate-texts';
import type { HapScorer } from './moderations/types';
import { EmbedCoalescer } from './pools/embed-coalescer';
import { PoolRegistry } from './pools/pool-registry';
import { TokenizeCoalescer } from './pools/tokenize-coalescer';

/**
 * The inference service's RPCs, each taking its request and a signal that aborts the work (and its backend request)
 * when the caller goes. Served by the Nest controller and, for the hot ones, by plain grpc-js handlers (hot-rpcs.ts).
 */
@Injectable()
export class InferenceRpcs {
  constructor(
    @Inject(PoolRegistry) private readonly pools: PoolRegistry,
    @Inject(EmbedCoalescer) private readonly coalescer: EmbedCoalescer,
    @Inject(TokenizeCoalescer) private readonly tokenizer: TokenizeCoalescer,
    @Inject(HAP_SCORER) private readonly hap: HapScorer,
  ) {}

  /** A generation with the request's moderations; the unary call folds the same stream. */
  private moderated(req: inferenceV1.GenerateRequest, signal: AbortSignal) {
    const deps: ModerationDeps = {
      scorer: this.hap,
      countInputTokens: async (s) =>
        (
          await tokenize(
            this.pools,
            this.tokenizer,
            { modelId: req.modelId, input: req.input, projectId: req.projectId, spaceId: req.spaceId, returnTokens: false },
            s,
          )
        ).tokenCount,
    };
    return withModerations(req, deps, signal, () => generateStream(this.pools, req, signal));
  }

  async generate(req: inferenceV1.GenerateRequest, signal: AbortSignal): Promise<inferenceV1.GenerateResponse> {
    return { modelId: req.modelId, createdAt: new Date().toISOString(), result: await foldGeneration(this.moderated(req, signal)) };
  }

  async *generateStream(req: inferenceV1.GenerateStreamRequest, signal: AbortSignal): AsyncGenerator<inferenceV1.GenerateStreamResponse> {
    for await (const result of this.moderated(req, signal)) yield { modelId: req.modelId, createdAt: new Date().toISOString(), result };
  }

  /** The input moderations alone: no model is involved, so `model_id` is not asked for. */
  moderate(req: inferenceV1.ModerateRequest, signal: AbortSignal): Promise<inferenceV1.ModerateResponse> {
    return moderateTexts(req, this.hap, signal);
  }

  chat(req: inferenceV1.ChatRequest, signal: AbortSignal): Promise<inferenceV1.ChatResponse> {
    return chat(this.pools, req, signal);
  }

  chatStream(req: inferenceV1.ChatStreamRequest, signal: AbortSignal): AsyncGenerator<inferenceV1.ChatStreamResponse> {
    return chatStream(this.pools, req, signal);
  }

  embed(req: inferenceV1.EmbedRequest, signal: AbortSignal): Promise<inferenceV1.EmbedResponse> {
    return embed(this.pools, this.coalescer, req, signal);
  }

  rerank(req: inferenceV1.RerankRequest, signal: AbortSignal): Promise<inferenceV1.RerankResponse> {
    return rerank(this.pools, this.coalescer, req, signal);
  }

  tokenize(req: inferenceV1.TokenizeRequest, signal: AbortSignal): Promise<inferenceV1.TokenizeResponse> {
    return tokenize(this.pools, this.tokenizer, req, signal);
  }

  listModels(req: inferenceV1.ListModelsRequest): inferenceV1.ListModelsResponse {
    return listModels(this.pools, req);
  }

  scoreContinuations(req: inferenceV1.ScoreContinuationsRequest, signal: AbortSignal): Promise<inferenceV1.ScoreContinuationsResponse> {
    return scoreContinuations(this.pools, req, signal);
  }
}
