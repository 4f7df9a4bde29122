import { envInt, envString } from './env';

/** Where each process listens in the embedded default; every value can be overridden per deployment. */
export const platformAddresses = () => ({
  gatewayPort: envInt('PLATFORM_PORT', 8080),
  taxonomyGrpcUrl: envString('PLATFORM_TAXONOMY_GRPC_URL', '127.0.0.1:50061'),
  taxonomyOpsPort: envInt('PLATFORM_TAXONOMY_OPS_PORT', 9461),
  inferenceGrpcUrl: envString('PLATFORM_INFERENCE_GRPC_URL', '127.0.0.1:50062'),
  inferenceOpsPort: envInt('PLATFORM_INFERENCE_OPS_PORT', 9462),
});
