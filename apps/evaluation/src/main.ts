import { runMain, serviceGrpcUrl, serviceOpsPort, startGrpcService } from '@platform/common';
import { EvaluationModule } from './evaluation.module';

export function startEvaluationService(addresses = { grpcUrl: serviceGrpcUrl('evaluation'), opsPort: serviceOpsPort('evaluation') }) {
  return startGrpcService({
    name: 'evaluation',
    module: EvaluationModule,
    protos: ['evaluation'],
    grpcUrl: addresses.grpcUrl,
    opsPort: addresses.opsPort,
  });
}

if (require.main === module) runMain(startEvaluationService);
