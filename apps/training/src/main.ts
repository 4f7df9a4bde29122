import { runMain, serviceGrpcUrl, serviceOpsPort, startGrpcService } from '@platform/common';
import { TrainingModule } from './training.module';

export function startTrainingService(addresses = { grpcUrl: serviceGrpcUrl('training'), opsPort: serviceOpsPort('training') }) {
  return startGrpcService({
    name: 'training',
    module: TrainingModule,
    protos: ['training'],
    grpcUrl: addresses.grpcUrl,
    opsPort: addresses.opsPort,
  });
}

if (require.main === module) runMain(startTrainingService);
