import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inferenceV1 } from '@platform/contracts';
import { Observable } from 'rxjs';
import { callSignal } from './call-signal';
import { chat, chatStream } from './handlers/chat';
import { embed, listModels, rerank, tokenize } from './handlers/embed-tokenize';
import { foldGeneration, generateStream } from './handlers/generation';
import { scoreContinuations } from './handlers/score-continuations';
import { HAP_SCORER } from './moderations/hap-scorer.token';
import { moderatedGeneration, type ModerationDeps } from './moderations/moderated-generation';
import { moderateTexts } from './moderations/moderate-texts';
import type { HapScorer } from './moderations/types';
import { EmbedCoalescer } from './pools/embed-coalescer';
import { PoolRegistry } from './pools/pool-registry';
import { TokenizeCoalescer } from './pools/tokenize-coalescer';

/**
 * Streams an async generator to gRPC. Unsubscribing (Nest does it when the call is cancelled) aborts the
 * generator's signal, which aborts the upstream request.
 */
function toObservable<T>(call: unknown, run: (signal: AbortSignal) => AsyncGenerator<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    const upstream = callSignal(call);
    upstream.addEventListener('abort', () => controller.abort(upstream.reason), { once: true });
    const gen = run(controller.signal);
    void (async () => {
      try {
        for await (const item of gen) {
          if (subscriber.closed) break;
          subscriber.next(item);
        }
        subscriber.complete();
      } catch (err) {
        subscriber.error(err);
      }
    })();
    return () => controller.abort(new Error('unsubscribed'));
  });
}

@Controller()
@inferenceV1.InferenceServiceControllerMethods()
export class InferenceGrpcController implements inferenceV1.InferenceServiceController {
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
    return moderatedGeneration(req, deps, signal, () => generateStream(this.pools, req, signal));
  }

  async generate(req: inferenceV1.GenerateRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.GenerateResponse> {
    return {
      modelId: req.modelId,
      createdAt: new Date().toISOString(),
      result: await foldGeneration(this.moderated(req, callSignal(call))),
    };
  }

  generateStream(req: inferenceV1.GenerateStreamRequest, _md?: Metadata, call?: unknown): Observable<inferenceV1.GenerateStreamResponse> {
    const moderated = (signal: AbortSignal) => this.moderated(req, signal);
    return toObservable(call, async function* (signal: AbortSignal) {
      for await (const result of moderated(signal)) yield { modelId: req.modelId, createdAt: new Date().toISOString(), result };
    });
  }

  /** The input moderations alone: no model is involved, so `model_id` is not asked for. */
  moderate(req: inferenceV1.ModerateRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.ModerateResponse> {
    return moderateTexts(req, this.hap, callSignal(call));
  }

  chat(req: inferenceV1.ChatRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.ChatResponse> {
    return chat(this.pools, req, callSignal(call));
  }

  chatStream(req: inferenceV1.ChatStreamRequest, _md?: Metadata, call?: unknown): Observable<inferenceV1.ChatStreamResponse> {
    return toObservable(call, (signal) => chatStream(this.pools, req, signal));
  }

  embed(req: inferenceV1.EmbedRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.EmbedResponse> {
    return embed(this.pools, this.coalescer, req, callSignal(call));
  }

  rerank(req: inferenceV1.RerankRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.RerankResponse> {
    return rerank(this.pools, this.coalescer, req, callSignal(call));
  }

  tokenize(req: inferenceV1.TokenizeRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.TokenizeResponse> {
    return tokenize(this.pools, this.tokenizer, req, callSignal(call));
  }

  listModels(req: inferenceV1.ListModelsRequest): inferenceV1.ListModelsResponse {
    return listModels(this.pools, req);
  }

  scoreContinuations(
    req: inferenceV1.ScoreContinuationsRequest,
    _md?: Metadata,
    call?: unknown,
  ): Promise<inferenceV1.ScoreContinuationsResponse> {
    return scoreContinuations(this.pools, req, callSignal(call));
  }
}
