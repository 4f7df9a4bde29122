import { envBool, runMain, serviceGrpcUrl, serviceOpsPort, startGrpcService, startWorkerService } from '@platform/common';
import { SdgModule } from './sdg.module';

export function startSdgService(grpcUrl = serviceGrpcUrl('sdg'), opsPort = serviceOpsPort('sdg')) {
  return startGrpcService({ name: 'sdg', module: SdgModule, protos: ['sdg'], grpcUrl, opsPort });
}

/** PLATFORM_SDG_WORKER_ONLY: a process that only runs jobs from the queue (no gRPC API), with /health and /metrics. */
export function startSdgWorkerOnly(opsPort = serviceOpsPort('sdg')) {
  return startWorkerService({ name: 'sdg-worker', module: SdgModule, opsPort });
}

if (require.main === module) runMain(() => (envBool('PLATFORM_SDG_WORKER_ONLY', false) ? startSdgWorkerOnly() : startSdgService()));
