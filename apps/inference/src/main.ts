import { platformAddresses, runMain, startGrpcService } from '@platform/common';
import { InferenceModule } from './inference.module';

export function startInferenceService(addresses = platformAddresses()) {
  return startGrpcService({
    name: 'inference',
    module: InferenceModule,
    protos: ['inference'],
    grpcUrl: addresses.inferenceGrpcUrl,
    opsPort: addresses.inferenceOpsPort,
  });
}

if (require.main === module) runMain(startInferenceService);
