import { Controller, Inject } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { inferenceV1 } from '@platform/contracts';
import { callSignal, childSignal } from '@platform/common';
import { Observable } from 'rxjs';
import { InferenceRpcs } from './inference-rpcs';

/**
 * Streams an async generator to gRPC. Unsubscribing (Nest does it when the call is cancelled) aborts the
 * generator's signal, which aborts the upstream request.
 */
function toObservable<T>(call: unknown, run: (signal: AbortSignal) => AsyncGenerator<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = childSignal(callSignal(call));
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

/**
 * Every RPC of the contract through Nest. The hot ones (hot-rpcs.ts) are served by plain grpc-js handlers once the
 * server listens; these stay registered for the moment in between and for any caller of the module alone.
 */
@Controller()
@inferenceV1.InferenceServiceControllerMethods()
export class InferenceGrpcController implements inferenceV1.InferenceServiceController {
  constructor(@Inject(InferenceRpcs) private readonly rpcs: InferenceRpcs) {}

  generate(req: inferenceV1.GenerateRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.GenerateResponse> {
    return this.rpcs.generate(req, callSignal(call));
  }

  generateStream(req: inferenceV1.GenerateStreamRequest, _md?: Metadata, call?: unknown): Observable<inferenceV1.GenerateStreamResponse> {
    return toObservable(call, (signal) => this.rpcs.generateStream(req, signal));
  }

  moderate(req: inferenceV1.ModerateRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.ModerateResponse> {
    return this.rpcs.moderate(req, callSignal(call));
  }

  chat(req: inferenceV1.ChatRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.ChatResponse> {
    return this.rpcs.chat(req, callSignal(call));
  }

  chatStream(req: inferenceV1.ChatStreamRequest, _md?: Metadata, call?: unknown): Observable<inferenceV1.ChatStreamResponse> {
    return toObservable(call, (signal) => this.rpcs.chatStream(req, signal));
  }

  embed(req: inferenceV1.EmbedRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.EmbedResponse> {
    return this.rpcs.embed(req, callSignal(call));
  }

  rerank(req: inferenceV1.RerankRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.RerankResponse> {
    return this.rpcs.rerank(req, callSignal(call));
  }

  tokenize(req: inferenceV1.TokenizeRequest, _md?: Metadata, call?: unknown): Promise<inferenceV1.TokenizeResponse> {
    return this.rpcs.tokenize(req, callSignal(call));
  }

  listModels(req: inferenceV1.ListModelsRequest): inferenceV1.ListModelsResponse {
    return this.rpcs.listModels(req);
  }

  scoreContinuations(
    req: inferenceV1.ScoreContinuationsRequest,
    _md?: Metadata,
    call?: unknown,
  ): Promise<inferenceV1.ScoreContinuationsResponse> {
    return this.rpcs.scoreContinuations(req, callSignal(call));
  }
}
