import { ClientGrpcProxy } from '@nestjs/microservices';
import { envInt, grpcOptions, serviceGrpcUrl } from '@platform/common';
import { evaluationV1 } from '@platform/contracts';

/** The evaluation service's client; scoring runs a judge over every generation, so it gets the long deadline. */
export function evaluationGrpcClient(url = serviceGrpcUrl('evaluation')): { service: evaluationV1.EvaluationServiceClient; close(): void } {
  const base = grpcOptions(url, ['evaluation']);
  const timeout = `${(envInt('PLATFORM_INFERENCE_TIMEOUT_MS', 600_000) / 1000).toFixed(3)}s`;
  const config = { methodConfig: [{ name: [{ service: 'evaluation.v1.EvaluationService' }], timeout }] };
  const proxy = new ClientGrpcProxy({
    ...base.options,
    channelOptions: { ...base.options.channelOptions, 'grpc.service_config': JSON.stringify(config) },
  });
  return {
    service: proxy.getService<evaluationV1.EvaluationServiceClient>(evaluationV1.EVALUATION_SERVICE_NAME),
    close: () => proxy.close(),
  };
}
