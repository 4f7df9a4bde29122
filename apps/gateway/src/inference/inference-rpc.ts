import {
  status as GrpcStatus,
  type CallOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  type Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { inferenceV1 } from '@platform/contracts';
import { traceMetadata } from '../http/grpc-call';

type Unary<Req, Res> = (
  req: Req,
  md: Metadata,
  options: CallOptions,
  done: (err: ServiceError | null, res?: Res) => void,
) => ClientUnaryCall;
type ServerStream<Req, Res> = (req: Req, md: Metadata, options?: CallOptions) => ClientReadableStream<Res>;

/** The generated grpc-js client of inference.v1.InferenceService (the same object Nest wraps in rxjs). */
interface RawInferenceClient {
  generate: Unary<inferenceV1.GenerateRequest, inferenceV1.GenerateResponse>;
  generateStream: ServerStream<inferenceV1.GenerateStreamRequest, inferenceV1.GenerateStreamResponse>;
  chat: Unary<inferenceV1.ChatRequest, inferenceV1.ChatResponse>;
  chatStream: ServerStream<inferenceV1.ChatStreamRequest, inferenceV1.ChatStreamResponse>;
  embed: Unary<inferenceV1.EmbedRequest, inferenceV1.EmbedResponse>;
  rerank: Unary<inferenceV1.RerankRequest, inferenceV1.RerankResponse>;
  tokenize: Unary<inferenceV1.TokenizeRequest, inferenceV1.TokenizeResponse>;
  listModels: Unary<inferenceV1.ListModelsRequest, inferenceV1.ListModelsResponse>;
}

export interface StreamObserver<T> {
  next(item: T): void;
  error(err: unknown): void;
  complete(): void;
}

/** What `sendEventStream` consumes: an rxjs Observable fits, and so does a bare gRPC server stream. */
export interface StreamSource<T> {
  subscribe(observer: StreamObserver<T>): { unsubscribe(): void };
}

/** A server stream as a StreamSource: unsubscribing cancels the call, and the resulting CANCELLED is not reported. */
function streamSource<T>(open: () => ClientReadableStream<T>): StreamSource<T> {
  return {
    subscribe(observer) {
      const call = open();
      let settled = false;
      call.on('data', (item: T) => {
        if (!settled) observer.next(item);
      });
      call.on('error', (err: ServiceError) => {
        if (settled) return;
        settled = true;
        observer.error(err);
      });
      call.on('end', () => {
        if (settled) return;
        settled = true;
        observer.complete();
      });
      return {
        unsubscribe() {
          if (settled) return;
          settled = true;
          call.cancel();
        },
      };
    },
  };
}

/**
 * The inference service for the hot text routes, called through the plain grpc-js client: promises and bare
 * streams instead of rxjs Observables, which cost a measurable share of the gateway's CPU per request. The client
 * comes from the registered ClientGrpc, so the channel, its deadlines (the service config's method timeout,
 * PLATFORM_INFERENCE_TIMEOUT_MS) and its shutdown stay in one place; every call carries the trace id as metadata.
 */
export class InferenceRpc {
  private readonly raw: RawInferenceClient;

  constructor(client: ClientGrpc) {
    this.raw = client.getClientByServiceName<RawInferenceClient>(inferenceV1.INFERENCE_SERVICE_NAME);
  }

  generate(req: inferenceV1.GenerateRequest): Promise<inferenceV1.GenerateResponse> {
    return this.unary(this.raw.generate, req);
  }

  chat(req: inferenceV1.ChatRequest): Promise<inferenceV1.ChatResponse> {
    return this.unary(this.raw.chat, req);
  }

  embed(req: inferenceV1.EmbedRequest): Promise<inferenceV1.EmbedResponse> {
    return this.unary(this.raw.embed, req);
  }

  rerank(req: inferenceV1.RerankRequest): Promise<inferenceV1.RerankResponse> {
    return this.unary(this.raw.rerank, req);
  }

  tokenize(req: inferenceV1.TokenizeRequest): Promise<inferenceV1.TokenizeResponse> {
    return this.unary(this.raw.tokenize, req);
  }

  listModels(req: inferenceV1.ListModelsRequest): Promise<inferenceV1.ListModelsResponse> {
    return this.unary(this.raw.listModels, req);
  }

  generateStream(req: inferenceV1.GenerateStreamRequest): StreamSource<inferenceV1.GenerateStreamResponse> {
    const md = traceMetadata();
    return streamSource(() => this.raw.generateStream.call(this.raw, req, md));
  }

  chatStream(req: inferenceV1.ChatStreamRequest): StreamSource<inferenceV1.ChatStreamResponse> {
    const md = traceMetadata();
    return streamSource(() => this.raw.chatStream.call(this.raw, req, md));
  }

  private unary<Req, Res>(method: Unary<Req, Res>, req: Req): Promise<Res> {
    const md = traceMetadata();
    return new Promise<Res>((resolve, reject) => {
      method.call(this.raw, req, md, {}, (err, res) => {
        if (err) reject(err);
        else if (res === undefined) reject(Object.assign(new Error('empty response'), { code: GrpcStatus.INTERNAL }));
        else resolve(res);
      });
    });
  }
}
