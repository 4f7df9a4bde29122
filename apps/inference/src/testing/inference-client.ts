import { ClientGrpcProxy } from '@nestjs/microservices';
import { grpcOptions } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';

/** A real gRPC client for the service under test, as the gateway builds it. */
export function inferenceClient(url: string): { service: inferenceV1.InferenceServiceClient; close(): void } {
  const proxy = new ClientGrpcProxy(grpcOptions(url, ['inference']).options);
  return { service: proxy.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME), close: () => proxy.close() };
}
