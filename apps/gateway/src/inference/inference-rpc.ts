import type { ClientGrpc } from '@nestjs/microservices';
import { PlatformError, plainServerStream, plainUnary, type PlainServerStream, type PlainUnary, type StreamSource } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { isDeploymentModelId } from '@platform/events';

/** The generated grpc-js client of inference.v1.InferenceService (the same object Nest wraps in rxjs). */
interface RawInferenceClient {
  generate: PlainUnary<inferenceV1.GenerateRequest, inferenceV1.GenerateResponse>;
  generateStream: PlainServerStream<inferenceV1.GenerateStreamRequest, inferenceV1.GenerateStreamResponse>;
  chat: PlainUnary<inferenceV1.ChatRequest, inferenceV1.ChatResponse>;
  chatStream: PlainServerStream<inferenceV1.ChatStreamRequest, inferenceV1.ChatStreamResponse>;
  embed: PlainUnary<inferenceV1.EmbedRequest, inferenceV1.EmbedResponse>;
  rerank: PlainUnary<inferenceV1.RerankRequest, inferenceV1.RerankResponse>;
  tokenize: PlainUnary<inferenceV1.TokenizeRequest, inferenceV1.TokenizeResponse>;
  listModels: PlainUnary<inferenceV1.ListModelsRequest, inferenceV1.ListModelsResponse>;
}

/**
 * Which pools a caller may name: the model catalog (the foundation-model, OpenAI and Llama Stack routes), or also
 * deployments' own pools (only the deployment routes, which check the caller's access to the deployment first).
 */
export type PoolReach = 'catalog' | 'deployments';

/**
 * The inference service for the hot text routes, called through the plain grpc-js client: promises and bare
 * streams instead of rxjs Observables, which cost a measurable share of the gateway's CPU per request. The client
 * comes from the registered ClientGrpc, so the channel, its deadline (the long one) and the trace metadata of every
 * call (the client kit's interceptor), and its shutdown stay in one place. A unary call's `signal` (the route's
 * `@ClientGone()`) cancels it, as unsubscribing cancels a stream.
 */
export class InferenceRpc {
  private readonly raw: RawInferenceClient;

  constructor(
    client: ClientGrpc,
    private readonly reach: PoolReach = 'catalog',
  ) {
    this.raw = client.getClientByServiceName<RawInferenceClient>(inferenceV1.INFERENCE_SERVICE_NAME);
  }

  /**
   * A deployment's pool named on a catalog route answers as a model that does not exist (the inference service's own
   * words): its deployment's project or space decides who may use it, and only the deployment routes check that.
   */
  private admit<R extends { modelId: string }>(req: R): R {
    if (this.reach === 'catalog' && isDeploymentModelId(req.modelId))
      throw PlatformError.notFound(`Model '${req.modelId}' is not supported.`, 'model_not_supported');
    return req;
  }

  generate(req: inferenceV1.GenerateRequest, signal?: AbortSignal): Promise<inferenceV1.GenerateResponse> {
    return plainUnary(this.raw, this.raw.generate, this.admit(req), signal);
  }

  chat(req: inferenceV1.ChatRequest, signal?: AbortSignal): Promise<inferenceV1.ChatResponse> {
    return plainUnary(this.raw, this.raw.chat, this.admit(req), signal);
  }

  embed(req: inferenceV1.EmbedRequest, signal?: AbortSignal): Promise<inferenceV1.EmbedResponse> {
    return plainUnary(this.raw, this.raw.embed, this.admit(req), signal);
  }

  rerank(req: inferenceV1.RerankRequest, signal?: AbortSignal): Promise<inferenceV1.RerankResponse> {
    return plainUnary(this.raw, this.raw.rerank, this.admit(req), signal);
  }

  tokenize(req: inferenceV1.TokenizeRequest, signal?: AbortSignal): Promise<inferenceV1.TokenizeResponse> {
    return plainUnary(this.raw, this.raw.tokenize, this.admit(req), signal);
  }

  listModels(req: inferenceV1.ListModelsRequest): Promise<inferenceV1.ListModelsResponse> {
    return plainUnary(this.raw, this.raw.listModels, req);
  }

  generateStream(req: inferenceV1.GenerateStreamRequest): StreamSource<inferenceV1.GenerateStreamResponse> {
    return plainServerStream(this.raw, this.raw.generateStream, this.admit(req));
  }

  chatStream(req: inferenceV1.ChatStreamRequest): StreamSource<inferenceV1.ChatStreamResponse> {
    return plainServerStream(this.raw, this.raw.chatStream, this.admit(req));
  }
}
