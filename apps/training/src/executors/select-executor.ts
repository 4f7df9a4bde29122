import type { TrainingConfig } from '../training-config';
import { BuiltinExecutor } from './builtin-executor';
import type { TrainingExecutor } from './executor';
import { ProcessExecutor } from './process-executor';

/**
 * PLATFORM_TRAINING_EXECUTOR picks where phases run; every kind reports through the same callbacks. The Kubernetes
 * client is loaded only when configured, so the embedded default never pays for it.
 */
export async function selectExecutor(config: TrainingConfig): Promise<TrainingExecutor> {
  switch (config.executor) {
    case 'builtin':
      return new BuiltinExecutor(config.builtinThreads);
    case 'process':
      return new ProcessExecutor(config.processCommand);
    case 'kubernetes': {
      const { KubernetesExecutor } = await import('./kubernetes/kubernetes-executor');
      return KubernetesExecutor.fromConfig(config);
    }
  }
}
