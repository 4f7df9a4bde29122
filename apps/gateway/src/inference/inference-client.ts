import type { GrpcOptions } from '@nestjs/microservices';
import { envInt, grpcOptions, platformAddresses } from '@platform/common';

/** The gRPC client of the inference service (apps/inference), registered in the app module. */
export const INFERENCE_CLIENT = 'INFERENCE_CLIENT';

/**
 * Generations legitimately run for minutes, so inference calls get their own deadline
 * (PLATFORM_INFERENCE_TIMEOUT_MS, default 10 min) instead of the platform's short default for CRUD calls.
 */
export function inferenceClientOptions(): GrpcOptions {
  const base = grpcOptions(platformAddresses().inferenceGrpcUrl, ['inference']);
  const timeout = `${(envInt('PLATFORM_INFERENCE_TIMEOUT_MS', 600_000) / 1000).toFixed(3)}s`;
  const config = {
    methodConfig: [{ name: [{ service: 'inference.v1.InferenceService' }, { service: 'grpc.health.v1.Health' }], timeout }],
  };
  return {
    ...base,
    options: { ...base.options, channelOptions: { ...base.options.channelOptions, 'grpc.service_config': JSON.stringify(config) } },
  };
}
