import type { DeploymentEntity } from '../../deployments/deployment.entity';
import type { KeeperDeps } from './keeper-settings';
import type { PoolView } from './pool-routing';
import type { ReplicaSet } from './replica-set';

/** What the inference service was seen routing this tick; `known: false` when it could not be asked. */
export interface PoolSight {
  known: boolean;
  view?: PoolView;
}

/** Even with nothing in flight, a removal gets this long: a request the router had just sent must still arrive. */
const MIN_DRAIN_MS = 1_000;

/**
 * Stops each draining replica once the inference service has applied its removal (its pool holds no more replicas
 * than are still announced) and nothing runs or waits on it, or once `drainTimeoutMs` has passed.
 */
export async function drainStep(
  deps: KeeperDeps,
  set: ReplicaSet,
  d: DeploymentEntity,
  pool: () => Promise<PoolSight>,
  signal: AbortSignal,
): Promise<void> {
  for (const t of set.list((r) => r.drainingSince !== undefined)) {
    const elapsed = Date.now() - (t.drainingSince ?? 0);
    let done = elapsed >= deps.settings.drainTimeoutMs;
    if (!done && elapsed >= MIN_DRAIN_MS && t.replica) {
      const sight = await pool();
      const removalApplied = sight.known && (!sight.view || sight.view.replicas <= set.announcedCount());
      const running = removalApplied ? await deps.manager.inFlight(t.replica, signal).catch(() => undefined) : undefined;
      done = removalApplied && (running ?? 0) === 0;
    }
    if (done) await set.stop(d, t);
  }
}
