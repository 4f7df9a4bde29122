import type { ModelServerAdapter } from '../backends/types';

/**
 * One model server process serving a pool's model. Its load is what this service has outstanding there plus
 * what the server itself reports queued or running (other clients included), refreshed by the health monitor.
 */
export class Replica {
  inFlight = 0;
  backendLoad = 0;
  healthy = true;
  /** Consecutive failed probes or requests; readmission needs a passing probe. */
  failures = 0;
  /** Consecutive probes that timed out while the replica was still admitted. */
  slowProbes = 0;

  constructor(
    readonly adapter: ModelServerAdapter,
    /** The name the backend serves the model under (may differ from the pool's public model id). */
    readonly backendModel: string,
  ) {}

  get url(): string {
    return this.adapter.url;
  }

  get load(): number {
    return this.inFlight + this.backendLoad;
  }

  /** A request could not reach the server: stop routing there until a probe says it is back. */
  eject(): void {
    this.healthy = false;
    this.failures++;
  }

  readmit(): void {
    this.healthy = true;
    this.failures = 0;
    this.slowProbes = 0;
  }
}

/** The healthy replica with the least outstanding work, skipping those already tried for this request. */
export function pickReplica(replicas: readonly Replica[], tried: ReadonlySet<Replica>): Replica | undefined {
  let best: Replica | undefined;
  for (const r of replicas) {
    if (!r.healthy || tried.has(r)) continue;
    if (!best || r.load < best.load) best = r;
  }
  return best;
}
