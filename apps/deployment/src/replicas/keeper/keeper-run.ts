import { pause } from '@platform/common';
import { isDependencyUnavailable, RetryJobLater, stopReason, type JobContext } from '@platform/jobs';
import { DeploymentEntity } from '../../deployments/deployment.entity';
import { ReplicaStartError } from '../replica-manager';
import { restartDelay } from './backoff';
import { deleteDeployment, markDeploymentFailed, markDeploymentReady, resetAttempts } from './deployment-writes';
import { drainStep, type PoolSight } from './drain';
import { errorText, type KeeperDeps } from './keeper-settings';
import { ReplicaSet } from './replica-set';
import { ReplicaSpecs } from './replica-spec';

/** `changed`: the deployment's state changed under this tick's reading of it (the next tick reads it again). */
type TickOutcome = 'continue' | 'changed' | 'finished';

/**
 * One keeper's run of one deployment (a long job of the job runner): every `tickMs` it compares the replicas with the
 * deployment's desired state and converges them. It starts missing replicas of the current rev, marks the deployment
 * ready once the inference service routes to them, retires older revs only then (announced removed, drained, stopped),
 * replaces crashed replicas with back-off, fails the deployment when its current rev cannot start, and on delete (or
 * an expired temporary deployment) drains and stops everything and deletes the row.
 */
export class KeeperRun {
  private readonly set: ReplicaSet;
  private failedStarts = 0;
  private crashes = 0;
  private lastCrashAt = 0;
  private nextStartAt = 0;
  private routingSince?: number;
  private steady = false;
  private sight?: Promise<PoolSight>;
  /** The revs kept at the last `release` (sorted, joined): it runs again when that set changes. */
  private keptRevs?: string;

  constructor(
    private readonly deps: KeeperDeps,
    private readonly job: DeploymentEntity,
    private readonly ctx: JobContext,
  ) {
    this.set = new ReplicaSet(deps, ctx, new ReplicaSpecs(deps.db));
  }

  async run(): Promise<void> {
    try {
      await this.loop();
    } catch (err) {
      // The job fails for good on any other error: nothing of the deployment may keep running then.
      const retried = err instanceof RetryJobLater || isDependencyUnavailable(err) || this.ctx.signal.aborted;
      if (retried) await this.set.settleStarts();
      else await this.stopAll();
      throw err;
    }
  }

  private async loop(): Promise<void> {
    // Adopted even when deleted: a previous keeper's replicas must be found to be stopped.
    const first = await this.load();
    if (first) await this.set.adopt(first);
    for (;;) {
      if (this.ctx.signal.aborted) return this.interrupted();
      const d = await this.load();
      if (!d) return this.stopAll();
      if (isGone(d)) return this.teardown(d);
      if ((await this.tick(d)) === 'finished') return;
      await pause(this.deps.settings.tickMs, this.ctx.signal);
    }
  }

  private load(): Promise<DeploymentEntity | null> {
    return this.deps.db.getRepository(DeploymentEntity).findOneBy({ id: this.job.id });
  }

  private async tick(d: DeploymentEntity): Promise<TickOutcome> {
    this.sight = undefined;
    const applied = await this.applyStarts(d);
    if (applied !== 'continue') return applied;
    for (const t of this.set.list((r) => r.replica !== undefined && !r.start && r.drainingSince === undefined)) {
      if (!(await this.set.check(d, t)) && t.rev === d.rev) this.crashed();
    }
    const want = d.modelPrefix && d.state !== 'failed' ? d.replicas : 0;
    await this.startMissing(d, want);
    await this.checkRouting(d);
    const routed = this.set.current(d.rev).filter((t) => t.routed).length;
    const servedElsewhere = !d.modelPrefix;
    if (d.state !== 'ready' && d.state !== 'failed' && (routed > 0 || servedElsewhere)) {
      if (await this.ctx.write(markDeploymentReady(d))) this.ctx.log.info({ rev: d.rev }, 'deployment ready');
    }
    // The previous rev leaves only once the current one serves in full (a failed update keeps it serving).
    if (d.state !== 'failed' && routed >= want) {
      const surplus = this.set.current(d.rev).slice(want);
      for (const t of [...this.set.list((r) => r.rev !== d.rev && r.drainingSince === undefined), ...surplus]) await this.set.retire(d, t);
    }
    await drainStep(this.deps, this.set, d, () => this.poolSight(d), this.ctx.signal);
    await this.noteSteady(d, routed >= want);
    // Wanted: the revs with replicas, and the current one unless it failed (a crashed replica's restart reuses its weights).
    await this.releaseUnwanted(d, [...this.set.list().map((t) => t.rev), ...(d.state === 'failed' ? [] : [d.rev])]);
    return 'continue';
  }

  /** Lets the manager free what the revs not wanted any more shared (downloaded weights), once per change of that set. */
  private async releaseUnwanted(d: DeploymentEntity, wanted: number[]): Promise<void> {
    const keep = [...new Set(wanted)].sort((a, b) => a - b);
    if (keep.join(',') === this.keptRevs || !this.deps.manager.release) return;
    try {
      await this.deps.manager.release(d.id, keep);
      this.keptRevs = keep.join(',');
    } catch (err) {
      this.ctx.log.warn({ err, keep }, 'could not free the files of revs no longer wanted');
    }
  }

  /** Applies the starts that settled since the last tick. */
  private async applyStarts(d: DeploymentEntity): Promise<TickOutcome> {
    for (const t of this.set.list((r) => r.start?.result !== undefined)) {
      const result = t.start?.result;
      t.start = undefined;
      if (!result) continue;
      if ('ok' in result) {
        if (t.rev !== d.rev) {
          t.replica = result.ok;
          await this.set.stop(d, t);
        } else if (await this.set.started(d, t, result.ok)) {
          this.failedStarts = 0;
          this.routingSince ??= Date.now();
        }
        continue;
      }
      await this.set.startFailed(d, t, result.error);
      if (t.rev !== d.rev || this.ctx.signal.aborted) continue;
      const outcome = await this.startFailed(d, result.error);
      if (outcome !== 'continue') return outcome;
    }
    return 'continue';
  }

  /**
   * A replica of the current rev could not start. A rev that never served fails at once when the server refused it
   * (bad weights, not enough memory: retrying changes nothing); otherwise it is retried with back-off until
   * `maxFailedStarts` starts in a row failed.
   */
  private async startFailed(d: DeploymentEntity, error: unknown): Promise<TickOutcome> {
    this.failedStarts++;
    const { settings } = this.deps;
    const hopeless = d.state !== 'ready' && error instanceof ReplicaStartError;
    if (!hopeless && this.failedStarts < settings.maxFailedStarts) {
      this.nextStartAt = Date.now() + restartDelay(this.failedStarts, settings.restartMinMs, settings.restartMaxMs);
      return 'continue';
    }
    const message = errorText(error);
    for (const t of this.set.list((r) => r.rev === d.rev)) await this.set.stop(d, t);
    const final = this.set.list((r) => r.announced).length === 0;
    if (!final) {
      await this.ctx.write(markDeploymentFailed(d, message, false));
      this.ctx.log.warn({ rev: d.rev, message }, 'deployment update failed; the previous rev keeps serving');
      return 'changed';
    }
    await this.stopAll();
    await this.ctx.finish(markDeploymentFailed(d, message, true));
    this.ctx.log.warn({ rev: d.rev, message }, 'deployment failed');
    return 'finished';
  }

  private crashed(): void {
    const { settings } = this.deps;
    this.crashes++;
    this.lastCrashAt = Date.now();
    this.nextStartAt = Math.max(this.nextStartAt, Date.now() + restartDelay(this.crashes, settings.restartMinMs, settings.restartMaxMs));
  }

  private async startMissing(d: DeploymentEntity, want: number): Promise<void> {
    const missing = want - this.set.current(d.rev).length;
    if (missing <= 0 || Date.now() < this.nextStartAt) return;
    for (let i = 0; i < missing; i++) if (!(await this.set.launch(d, this.crashes))) return;
  }

  /**
   * The current rev's announced replicas count as routed once the inference service's pool has every announced
   * replica healthy (so an old rev is never withdrawn before the new one takes requests); after `startTimeoutMs`
   * one healthy replica is enough (an old replica that stays unhealthy must not block the swap forever).
   */
  private async checkRouting(d: DeploymentEntity): Promise<void> {
    const pending = this.set.current(d.rev).filter((t) => t.announced && !t.routed);
    if (pending.length === 0) return;
    const { view } = await this.poolSight(d);
    if (!view) return;
    const waited = Date.now() - (this.routingSince ?? Date.now());
    if (view.healthy >= this.set.announcedCount() || (view.healthy > 0 && waited > this.deps.settings.startTimeoutMs)) {
      for (const t of pending) t.routed = true;
      this.routingSince = undefined;
    }
  }

  /** The inference service's view of the pool, asked at most once per tick. */
  private poolSight(d: DeploymentEntity): Promise<PoolSight> {
    this.sight ??= this.deps.routing.pool(d.modelId).then(
      (view) => ({ known: true, view }),
      (err: unknown) => {
        this.ctx.log.warn({ err }, 'could not ask the inference service for its pools');
        return { known: false };
      },
    );
    return this.sight;
  }

  /** Once the deployment serves in full: claims start counting again, and so do crashes after a quiet while. */
  private async noteSteady(d: DeploymentEntity, full: boolean): Promise<void> {
    const quiet = full && this.set.list((t) => t.start !== undefined || t.drainingSince !== undefined).length === 0;
    if (quiet && this.crashes > 0 && Date.now() - this.lastCrashAt > this.deps.settings.restartMaxMs) this.crashes = 0;
    if (quiet && !this.steady && d.state === 'ready') this.steady = await this.ctx.write(resetAttempts(d));
  }

  /** Deleted, or a temporary deployment nobody renewed: every replica drains and stops, then the row goes. */
  private async teardown(d: DeploymentEntity): Promise<void> {
    this.ctx.log.info({ expired: !d.deletedAt }, 'deployment deleted: removing its replicas');
    await this.set.settleStarts();
    for (const t of this.set.list((r) => r.drainingSince === undefined)) await this.set.retire(d, t);
    while (this.set.list((r) => r.drainingSince !== undefined).length > 0 && !this.ctx.signal.aborted) {
      this.sight = undefined;
      await drainStep(this.deps, this.set, d, () => this.poolSight(d), this.ctx.signal);
      await pause(this.deps.settings.tickMs, this.ctx.signal);
    }
    await this.stopAll();
    if (await this.ctx.finish(deleteDeployment(d))) this.ctx.log.info('deployment deleted');
  }

  /**
   * The keeper stops: on shutdown, engine-server processes stop with the service (the next keeper starts new ones);
   * replicas that live outside it (Kubernetes, external) stay for the next keeper to adopt, as they do when the
   * lease passed to another keeper.
   */
  private async interrupted(): Promise<void> {
    const reason = stopReason(this.ctx.signal);
    if (reason === 'lease-lost' || (reason === 'shutdown' && this.deps.manager.kind !== 'process')) return this.set.settleStarts();
    const d = (await this.load()) ?? this.job;
    this.ctx.log.info({ reason }, 'keeper stopping: stopping its replicas');
    await this.stopAll(d);
  }

  private async stopAll(d: DeploymentEntity = this.job): Promise<void> {
    await this.set.settleStarts();
    for (const t of this.set.list()) await this.set.stop(d, t);
    await this.releaseUnwanted(d, []);
  }
}

function isGone(d: DeploymentEntity): boolean {
  return d.deletedAt !== null || (d.temporary && d.expiresAt !== null && d.expiresAt.getTime() <= Date.now());
}
