import type { JobContext } from '@platform/jobs';
import type { DeploymentEntity } from '../../deployments/deployment.entity';
import { ReplicaEntity } from '../replica.entity';
import type { StartedReplica } from '../replica-manager';
import type { KeeperDeps } from './keeper-settings';
import { errorText } from './keeper-settings';
import type { ReplicaSpecs } from './replica-spec';
import { insertStarting, markDraining, markEnded, markReady } from './replica-writes';
import { TrackedReplica } from './tracked-replica';

/** A replica that stops answering its health checks for this long is replaced (a hung server never recovers). */
const UNHEALTHY_LIMIT_MS = 60_000;

/**
 * The replicas of one deployment as its keeper holds them, and every action on one: adopt, start, apply a start's
 * result, probe, take out of rotation, stop. Each row change goes out with its announcement (replica-writes.ts).
 */
export class ReplicaSet {
  readonly all = new Map<string, TrackedReplica>();

  constructor(
    private readonly deps: KeeperDeps,
    private readonly ctx: JobContext,
    private readonly specs: ReplicaSpecs,
  ) {}

  list(filter: (t: TrackedReplica) => boolean = () => true): TrackedReplica[] {
    return [...this.all.values()].filter(filter);
  }

  /** Serving (or starting for) rev `rev`, not on its way out. */
  current(rev: number): TrackedReplica[] {
    return this.list((t) => t.rev === rev && t.drainingSince === undefined);
  }

  announcedCount(): number {
    return this.list((t) => t.announced).length;
  }

  /**
   * Takes over the replicas a previous keeper left (after a crash or a restart of the service): those that still
   * serve are kept (and announced again, which the inference service treats as a no-op), the others are written off.
   */
  async adopt(d: DeploymentEntity): Promise<void> {
    const rows = await this.deps.db
      .getRepository(ReplicaEntity)
      .createQueryBuilder('r')
      .where('r.deployment_id = :id', { id: d.id })
      .andWhere("r.state IN ('starting', 'ready', 'draining')")
      .orderBy('r.created_at')
      .getMany();
    for (const row of rows) {
      const stored: StartedReplica = {
        url: row.url ?? '',
        adapter: row.adapter === 'tgi' ? 'tgi' : 'openai',
        backendModel: row.backendModel ?? d.modelId,
        handle: row.handle,
      };
      const spec = await this.specs.of(d, row.id, row.rev);
      const found = await this.deps.manager.adopt(spec, stored).catch((err: unknown) => {
        this.ctx.log.warn({ err, replicaId: row.id }, 'replica adoption failed');
        return undefined;
      });
      const t = new TrackedReplica(row);
      if (!found) {
        this.ctx.log.info({ replicaId: row.id, state: row.state }, 'replica of the previous keeper is gone');
        await this.ctx.write(markEnded(d, row, 'failed', row.state !== 'starting', 'not running when a new keeper took over'));
        continue;
      }
      t.replica = found;
      this.all.set(row.id, t);
      if (row.state === 'draining') t.drainingSince = Date.now();
      else if (await this.ctx.write(markReady(d, row, found))) t.announced = true;
      this.ctx.log.info({ replicaId: row.id, rev: row.rev, url: found.url }, 'replica adopted');
    }
  }

  /** Writes a `starting` row, then starts its replica in the background. */
  async launch(d: DeploymentEntity, restarts: number): Promise<boolean> {
    let row: ReplicaEntity | undefined;
    if (!(await this.ctx.write(insertStarting(d, this.deps.manager.kind, restarts, (r) => (row = r)))) || !row) return false;
    const t = new TrackedReplica(row);
    this.all.set(row.id, t);
    const spec = await this.specs.of(d, row.id);
    this.ctx.log.info({ replicaId: row.id, rev: d.rev }, 'starting a replica');
    t.begin(this.ctx.signal, (signal) => this.deps.manager.start(spec, signal));
    return true;
  }

  /** A start that succeeded: ready and announced (false when the lease is gone). */
  async started(d: DeploymentEntity, t: TrackedReplica, replica: StartedReplica): Promise<boolean> {
    t.replica = replica;
    if (!(await this.ctx.write(markReady(d, t.row, replica)))) return false;
    t.announced = true;
    this.ctx.log.info({ replicaId: t.id, rev: t.rev, url: replica.url }, 'replica ready');
    return true;
  }

  /** A start that failed: the manager left nothing running; the row keeps why. */
  async startFailed(d: DeploymentEntity, t: TrackedReplica, error: unknown): Promise<void> {
    this.all.delete(t.id);
    this.ctx.log.warn({ replicaId: t.id, rev: t.rev, err: error }, 'replica failed to start');
    await this.ctx.write(markEnded(d, t.row, 'failed', false, errorText(error)));
  }

  /** Probes a serving replica: true while it may stay, false once it was written off (gone, or hung too long). */
  async check(d: DeploymentEntity, t: TrackedReplica): Promise<boolean> {
    if (!t.replica) return true;
    const health = await this.deps.manager.probe(t.replica, this.ctx.signal).catch(() => 'unhealthy' as const);
    if (health === 'healthy') {
      t.unhealthySince = undefined;
      return true;
    }
    if (health === 'unhealthy') {
      t.unhealthySince ??= Date.now();
      if (Date.now() - t.unhealthySince < UNHEALTHY_LIMIT_MS) return true;
    }
    const why = health === 'gone' ? 'the replica exited' : `the replica failed its health checks for ${UNHEALTHY_LIMIT_MS} ms`;
    this.ctx.log.warn({ replicaId: t.id, rev: t.rev }, `${why}: replacing it`);
    await this.end(d, t, 'failed', why);
    return false;
  }

  /** Out of rotation: announced removed (it drains), or stopped at once when it never was in rotation. */
  async retire(d: DeploymentEntity, t: TrackedReplica): Promise<void> {
    await this.settleStart(t);
    if (t.replica && t.announced) {
      if (await this.ctx.write(markDraining(d, t.row))) t.announced = false;
      t.drainingSince = Date.now();
      this.ctx.log.info({ replicaId: t.id, rev: t.rev }, 'replica removed from rotation; draining');
      return;
    }
    await this.stop(d, t);
  }

  /** Stops the replica now and ends its row (announcing the removal if it was still in rotation). */
  async stop(d: DeploymentEntity, t: TrackedReplica): Promise<void> {
    await this.settleStart(t);
    await this.end(d, t, 'stopped');
    this.ctx.log.info({ replicaId: t.id, rev: t.rev }, 'replica stopped');
  }

  /**
   * Out of rotation first, then the process stops, and only then does the row end: a keeper that dies midway leaves a
   * live row the next keeper adopts or writes off, never a process that no row tracks.
   */
  private async end(d: DeploymentEntity, t: TrackedReplica, state: 'stopped' | 'failed', why?: string): Promise<void> {
    this.all.delete(t.id);
    if (t.announced && (await this.ctx.write(markDraining(d, t.row)).catch(() => false))) t.announced = false;
    if (t.replica) await this.deps.manager.stop(t.replica);
    await this.ctx.write(markEnded(d, t.row, state, t.announced, why)).catch(() => false);
    t.announced = false;
  }

  /** Aborts a start under way and waits for it: a replica that made it anyway is kept as started (not announced). */
  async settleStart(t: TrackedReplica): Promise<void> {
    const start = t.start;
    if (!start) return;
    start.abort.abort(new Error('replica start aborted'));
    await start.done;
    t.start = undefined;
    if (start.result && 'ok' in start.result) t.replica = start.result.ok;
  }

  async settleStarts(): Promise<void> {
    for (const t of this.list((r) => r.start !== undefined)) await this.settleStart(t);
  }
}
