import type { Logger } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentConfig } from '../deployment.config';
import { parseExternalEndpoints } from './external-endpoints';
import { ExternalReplicaManager } from './external-manager';
import { ProcessReplicaManager } from './process-manager';
import type { ReplicaManager } from './replica-manager';

/** Downloads and logs of process replicas: PLATFORM_DEPLOYMENT_WORK_DIR, or `<data dir or temp dir>/deployments`. */
export function processWorkDir(config: DeploymentConfig): string {
  return config.process.workDir || join(config.process.dataDir || tmpdir(), 'deployments');
}

/**
 * PLATFORM_DEPLOYMENT_REPLICAS picks where replicas run; the keeper drives every kind through the same interface. The
 * Kubernetes client is loaded only when configured, so the embedded default never pays for it.
 */
export async function selectReplicaManager(
  config: DeploymentConfig,
  deps: { store: ObjectStore; logger?: Logger },
): Promise<ReplicaManager> {
  const { keeper } = config;
  switch (config.replicas) {
    case 'process':
      return new ProcessReplicaManager({
        store: deps.store,
        workDir: processWorkDir(config),
        threads: config.process.engineThreads,
        logLevel: config.process.engineLogLevel,
        advertiseHost: config.process.advertiseHost,
        startTimeoutMs: keeper.startTimeoutMs,
      });
    case 'external':
      return new ExternalReplicaManager(parseExternalEndpoints(config.externalEndpoints), { startTimeoutMs: keeper.startTimeoutMs });
    case 'kubernetes': {
      const { createKubernetesManager } = await import('./kubernetes/kubernetes-manager');
      return createKubernetesManager(config, deps.logger);
    }
  }
}
