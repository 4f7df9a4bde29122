import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, type Logger } from '@platform/common';
import { OpenAiAdapter } from '../backends/openai-adapter';
import { TgiAdapter } from '../backends/tgi-adapter';
import type { ModelServerAdapter } from '../backends/types';
import type { AdapterKind, BackendConfig, InferenceConfig } from './pool-config';
import { Pool } from './pool';
import { Replica } from './replica';

export function adapterFor(kind: AdapterKind, url: string): ModelServerAdapter {
  return kind === 'tgi' ? new TgiAdapter(url) : new OpenAiAdapter(url);
}

/**
 * Every pool this service routes to. A background loop probes each replica (health, then its queue depth), ejects
 * the failing, readmits the recovered and keeps discovering the models of configured backends, so a model server
 * that starts after this service simply shows up.
 */
/** Consecutive timed-out probes that eject a replica (see probe). */
export const SLOW_PROBES_TO_EJECT = 3;

export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();
  private readonly undiscovered: BackendConfig[];
  /** Pools from PLATFORM_INFERENCE_POOLS: never dropped, even when runtime removals empty them. */
  private readonly configured = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly config: InferenceConfig,
    private readonly logger: Logger,
  ) {
    for (const p of config.pools) {
      const pool = new Pool(p.modelId, p.limits);
      for (const r of p.replicas) pool.add(new Replica(adapterFor(r.adapter, r.url), r.backendModel ?? p.modelId));
      this.pools.set(p.modelId, pool);
      this.configured.add(p.modelId);
    }
    this.undiscovered = [...config.backends];
  }

  /** First probe and discovery, then the periodic loop. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.config.healthIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  list(): Pool[] {
    return [...this.pools.values()];
  }

  get(modelId: string): Pool {
    const pool = this.pools.get(modelId);
    if (!pool) throw PlatformError.notFound(`Model '${modelId}' is not supported.`, 'model_not_supported');
    return pool;
  }

  /**
   * Registers a replica for a model (configuration, discovery, runtime announcements); creates the pool if new, as the
   * pool of `deploymentId` when a deployment's announcement creates it (a pool keeps what it was created as).
   */
  addReplica(modelId: string, replica: Replica, deploymentId?: string): Pool {
    let pool = this.pools.get(modelId);
    if (!pool) {
      pool = new Pool(modelId, this.config.defaultLimits);
      pool.deploymentId = deploymentId;
      this.pools.set(modelId, pool);
    }
    pool.add(replica);
    return pool;
  }

  /**
   * Takes a replica out of its pool (see `Pool.remove`). A pool left without replicas leaves the catalog unless it
   * came from configuration. True when the replica was there.
   */
  removeReplica(modelId: string, replica: Replica): boolean {
    const pool = this.pools.get(modelId);
    if (!pool?.remove(replica)) return false;
    if (pool.replicas.length === 0 && !this.configured.has(modelId)) this.pools.delete(modelId);
    return true;
  }

  private async tick(): Promise<void> {
    await Promise.all([...this.undiscovered].map((b) => this.discover(b)));
    await Promise.all(this.list().flatMap((pool) => pool.replicas.map((r) => this.probe(r))));
  }

  private async discover(backend: BackendConfig): Promise<void> {
    const adapter = adapterFor(backend.adapter, backend.url);
    try {
      const models = await adapter.discover(AbortSignal.timeout(this.config.probeTimeoutMs * 5));
      if (models.length === 0) return;
      for (const m of models) {
        const pool = this.addReplica(m.id, new Replica(adapter, m.id));
        pool.maxModelLen ??= m.maxModelLen;
        pool.parameterCount ??= m.parameterCount;
      }
      this.undiscovered.splice(this.undiscovered.indexOf(backend), 1);
      this.logger.info({ backend: backend.url, models: models.map((m) => m.id) }, 'discovered models');
    } catch {
      // not up yet: the next tick tries again
    }
  }

  /**
   * One health probe (then its queue depth): readmits a passing replica, ejects a failing one. A probe that only timed
   * out ejects after SLOW_PROBES_TO_EJECT in a row: a server busy on a 2-core machine answers late but still serves,
   * and ejecting the only replica would fail every request until the next probe. One that is refused or answers
   * unhealthy ejects at once (requests that cannot connect eject too, in dispatch).
   */
  async probe(replica: Replica): Promise<void> {
    const signal = AbortSignal.timeout(this.config.probeTimeoutMs);
    try {
      if (!(await replica.adapter.healthy(signal))) throw new Error('health check failed');
      replica.backendLoad = (await replica.adapter.load(replica.backendModel, signal)) ?? 0;
      if (!replica.healthy) this.logger.info({ replica: replica.url }, replica.failures ? 'replica readmitted' : 'replica admitted');
      replica.readmit();
    } catch (err) {
      if (signal.aborted && replica.healthy && ++replica.slowProbes < SLOW_PROBES_TO_EJECT) return;
      if (replica.healthy)
        this.logger.warn({ replica: replica.url, err: err instanceof Error ? err.message : String(err) }, 'replica ejected');
      replica.eject();
    }
  }
}

export function noReplica(pool: Pool): PlatformError {
  return new PlatformError(
    GrpcStatus.UNAVAILABLE,
    'service_unavailable',
    `No replica of model '${pool.modelId}' is available; try again shortly.`,
  );
}
