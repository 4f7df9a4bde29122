import type { DataSource } from 'typeorm';
import type { ReplicaManager } from '../replica-manager';
import type { PoolRouting } from './pool-routing';

/** The keeper's timing (PLATFORM_DEPLOYMENT_* settings, see deployment.config.ts). */
export interface KeeperSettings {
  tickMs: number;
  startTimeoutMs: number;
  drainTimeoutMs: number;
  restartMinMs: number;
  restartMaxMs: number;
  maxFailedStarts: number;
}

export interface KeeperDeps {
  db: DataSource;
  manager: ReplicaManager;
  routing: PoolRouting;
  settings: KeeperSettings;
}

export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim() || 'unknown error';
}
