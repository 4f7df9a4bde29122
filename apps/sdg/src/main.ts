import { runMain, serviceOpsPort, startWorkerService } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { SdgConfig } from './sdg.config';
import { SdgModule } from './sdg.module';

export const startSdgService = grpcServiceMain('sdg', SdgModule);

/** PLATFORM_SDG_WORKER_ONLY: a process that only runs jobs from the queue (no gRPC API), with /health and /metrics. */
export function startSdgWorkerOnly(opsPort = serviceOpsPort('sdg')) {
  return startWorkerService({ name: 'sdg-worker', module: SdgModule, opsPort });
}

if (require.main === module) runMain(() => (SdgConfig.load().workerOnly ? startSdgWorkerOnly() : startSdgService()));
