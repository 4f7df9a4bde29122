import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AckPolicy, DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import {
  ensureStream,
  errorFields,
  eventsStream,
  eventsSubjectPrefix,
  startConsumer,
  type ConsumerContext,
  type EventConsumer,
  type EventEnvelope,
  type PoisonEvent,
  parseReplicaReady,
  parseReplicaRemoved,
  replicaEventsFilter,
  replicaEventsWithPrefix,
  type ReplicaReady,
  type ReplicaRemoved,
} from '@platform/events';
import type { JsMsg } from '@nats-io/jetstream';
import type { Pool } from '../pools/pool';
import { adapterFor, type PoolRegistry } from '../pools/pool-registry';
import { Replica } from '../pools/replica';

export interface ReplicaRegistrationOptions {
  nc: NatsConnection;
  pools: PoolRegistry;
  logger: Logger;
  /** Default: the platform's event stream (`eventsStream()`). */
  stream?: string;
  /** Default: the platform's prefix (`eventsSubjectPrefix()`); the stream is ensured with `<prefix>.>`. */
  subjectPrefix?: string;
  /** Names this process's consumer (`inference-replicas-<id>`); default host, pid and a random suffix. */
  instanceId?: string;
  /** How long `start()` waits for the replay of earlier announcements. Default 30 s. */
  replayTimeoutMs?: number;
  /** The server deletes the consumer of a process that died without deleting it after this long. Default 10 min. */
  inactiveThresholdMs?: number;
}

interface Registered {
  announcement: ReplicaReady;
  /** The replica in the pool: ours, or one that configuration or another announcement put there first. */
  replica: Replica;
  /** Whether this announcement put the replica in the pool (and its removal takes it out). */
  owned: boolean;
}

const MAX_DELIVER = 5;
const ACK_WAIT_MS = 30_000;

function sameAnnouncement(a: ReplicaReady, b: ReplicaReady): boolean {
  return (
    a.modelId === b.modelId && a.url === b.url && a.adapter === b.adapter && (a.backendModel ?? a.modelId) === (b.backendModel ?? b.modelId)
  );
}

function defaultInstanceId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 32);
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runtime registration of model-server replicas over NATS (`deployment.replica.ready` / `.removed`, see
 * `deployment-replica-events.ts` in @platform/events).
 *
 * Every instance of this service must see every announcement, so announcements cannot be shared out like work:
 * each process creates its OWN durable consumer, named after its instance (`inference-replicas-<host>-<pid>-<rand>`),
 * with deliver policy `all`. The pool set lives in memory, so a new process must replay the whole history rather than
 * resume where an earlier process stopped: the name is fresh per process start, the consumer is deleted on a clean
 * stop, and one left behind by a crash is deleted by the server after `inactiveThresholdMs`. A durable (rather than
 * an ordered consumer) gives explicit acks, so malformed announcements are terminated as poison and logged by the
 * events library like everywhere else. One filter subject (`…deployment.replica.>`) and one handler at a time keep
 * stream order, so a `removed` is applied after the `ready` it undoes; applying is idempotent (same announcement
 * twice is a no-op, a `removed` for an unknown replica is a no-op), and events at or below the last applied stream
 * sequence are skipped, so a consumer re-created after an outage replays without flapping replicas.
 */
export class ReplicaRegistration {
  readonly stream: string;
  readonly durable: string;
  /** Messages terminated as poison since start (malformed announcements). */
  poisoned = 0;
  private readonly catalog;
  private readonly registered = new Map<string, Registered>();
  private readonly probing = new Set<Promise<void>>();
  /** Replicas added during the replay: probed once it is over, so those a later event removed are never probed. */
  private deferred: { pool: Pool; replica: Replica }[] = [];
  private consumer?: EventConsumer;
  private lastSeq = 0;
  private replayTarget = 0;
  private settled = 0;
  private caughtUp = false;
  private onCaughtUp: () => void = () => undefined;
  private readonly caughtUpSignal = new Promise<void>((resolve) => (this.onCaughtUp = resolve));

  constructor(private readonly o: ReplicaRegistrationOptions) {
    this.stream = o.stream ?? eventsStream();
    this.catalog = replicaEventsWithPrefix(o.subjectPrefix ?? eventsSubjectPrefix());
    this.durable = `inference-replicas-${o.instanceId ?? defaultInstanceId()}`;
  }

  /** Whether every announcement published before start has been applied. */
  get replayed(): boolean {
    return this.caughtUp;
  }

  /** The replica ids currently registered, by model. */
  snapshot(): { replicaId: string; modelId: string; url: string }[] {
    return [...this.registered].map(([replicaId, r]) => ({ replicaId, modelId: r.announcement.modelId, url: r.announcement.url }));
  }

  /**
   * Creates this process's consumer, starts applying announcements and resolves once the earlier ones are applied
   * (and the replicas they added have had their first probe), or after `replayTimeoutMs` with a warning.
   */
  async start(): Promise<void> {
    const { nc, logger } = this.o;
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, { name: this.stream, subjects: [`${this.catalog.subjectPrefix}.>`] });
    const filterSubject = replicaEventsFilter(this.catalog);
    // Created here rather than by startConsumer so that it carries an inactivity threshold and tells how many
    // announcements there are to replay; startConsumer then finds it with the settings it wants.
    const info = await jsm.consumers.add(this.stream, {
      durable_name: this.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filterSubject,
      max_deliver: MAX_DELIVER,
      ack_wait: nanos(ACK_WAIT_MS),
      inactive_threshold: nanos(this.o.inactiveThresholdMs ?? 600_000),
    });
    this.replayTarget = info.num_pending;
    if (this.replayTarget === 0) this.markCaughtUp();
    this.consumer = await startConsumer({
      nc,
      stream: this.stream,
      durable: this.durable,
      filterSubject,
      maxDeliver: MAX_DELIVER,
      ackWait: ACK_WAIT_MS,
      logger,
      handler: (event, ctx) => this.handle(event, ctx),
      onPoison: (p) => this.poison(p),
    });
    const timeoutMs = this.o.replayTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.caughtUpSignal.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut)
      logger.warn(
        { durable: this.durable, replayed: this.settled, of: this.replayTarget },
        'replica announcements not replayed in time; readiness waits for them',
      );
    await Promise.allSettled([...this.probing]);
    logger.info(
      { stream: this.stream, durable: this.durable, filterSubject, announcements: this.replayTarget, replicas: this.registered.size },
      'replica registration started',
    );
  }

  /** Stops consuming and deletes this process's consumer (the next process replays from the start anyway). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.stop();
    try {
      await (await jetstreamManager(this.o.nc)).consumers.delete(this.stream, this.durable);
    } catch (err) {
      this.o.logger.warn(
        { ...errorFields(err), durable: this.durable },
        'could not delete the replica consumer; the server drops it when inactive',
      );
    }
  }

  private async handle(event: EventEnvelope, ctx: ConsumerContext): Promise<void> {
    const seq = ctx.msg.seq;
    if (seq > this.lastSeq) {
      // Parse errors are PermanentEventErrors: the library terminates the message and `poison` settles it.
      if (this.catalog.is(event, 'deployment.replica.ready')) this.ready(parseReplicaReady(event.data), event);
      else if (this.catalog.is(event, 'deployment.replica.removed')) this.removed(parseReplicaRemoved(event.data), event);
      else this.o.logger.info({ eventId: event.id, type: event.type }, 'ignoring unknown replica event type');
    }
    this.settle(ctx.msg);
  }

  private poison(p: PoisonEvent): void {
    this.poisoned++;
    this.o.logger.warn(
      { subject: p.msg.subject, seq: p.msg.seq, reason: p.reason, eventId: p.event?.id },
      'malformed replica announcement ignored',
    );
    this.settle(p.msg);
  }

  private settle(msg: JsMsg): void {
    this.lastSeq = Math.max(this.lastSeq, msg.seq);
    this.settled++;
    if (!this.caughtUp && (this.settled >= this.replayTarget || msg.info.pending === 0)) this.markCaughtUp();
  }

  private markCaughtUp(): void {
    this.caughtUp = true;
    for (const { pool, replica } of this.deferred) if (pool.replicas.includes(replica)) this.probeNew(pool, replica);
    this.deferred = [];
    this.onCaughtUp();
  }

  private ready(a: ReplicaReady, event: EventEnvelope): void {
    const fields = {
      eventId: event.id,
      replicaId: a.replicaId,
      modelId: a.modelId,
      url: a.url,
      adapter: a.adapter,
      deploymentId: a.deploymentId,
    };
    const existing = this.registered.get(a.replicaId);
    if (existing && sameAnnouncement(existing.announcement, a)) return;
    if (existing) {
      this.registered.delete(a.replicaId);
      this.detach(existing);
    }
    const candidate = new Replica(adapterFor(a.adapter, a.url), a.backendModel ?? a.modelId);
    // Out of rotation until its first probe passes (right away, then with every health tick).
    candidate.healthy = false;
    const pool = this.o.pools.addReplica(a.modelId, candidate, a.deploymentId);
    const owned = pool.replicas.includes(candidate);
    const replica = owned
      ? candidate
      : (pool.replicas.find((r) => r.url === candidate.url && r.backendModel === candidate.backendModel) ?? candidate);
    this.registered.set(a.replicaId, { announcement: a, replica, owned });
    if (owned) this.probeNew(pool, replica);
    this.o.logger.info({ ...fields, replaced: Boolean(existing), alreadyInPool: !owned }, 'replica registered');
  }

  private removed(r: ReplicaRemoved, event: EventEnvelope): void {
    const entry = this.registered.get(r.replicaId);
    if (!entry) {
      this.o.logger.info({ eventId: event.id, replicaId: r.replicaId, modelId: r.modelId }, 'removal of an unregistered replica ignored');
      return;
    }
    if (entry.announcement.modelId !== r.modelId) {
      this.o.logger.warn(
        { eventId: event.id, replicaId: r.replicaId, announced: entry.announcement.modelId, removed: r.modelId },
        'replica removal names another model; removing by replica id',
      );
    }
    this.registered.delete(r.replicaId);
    this.detach(entry);
    this.o.logger.info(
      {
        eventId: event.id,
        replicaId: r.replicaId,
        modelId: entry.announcement.modelId,
        url: entry.announcement.url,
        stillRunning: entry.replica.inFlight,
      },
      'replica removed; running requests finish there',
    );
  }

  /**
   * Drains a replica this registration put in a pool: it leaves the pool's routing set at once (requests already
   * running there finish on it). When another announcement names the same server and model it stays, owned by that one.
   */
  private detach(entry: Registered): void {
    if (!entry.owned) return;
    const heir = [...this.registered.values()].find((r) => r.replica === entry.replica);
    if (heir) {
      heir.owned = true;
      return;
    }
    this.o.pools.removeReplica(entry.announcement.modelId, entry.replica);
  }

  private probeNew(pool: Pool, replica: Replica): void {
    if (!this.caughtUp) {
      this.deferred.push({ pool, replica });
      return;
    }
    const p = this.o.pools
      .probe(replica)
      .then(async () => {
        if (pool.maxModelLen !== undefined || !replica.healthy) return;
        const models = await replica.adapter.discover(AbortSignal.timeout(5000));
        const found = models.find((m) => m.id === replica.backendModel);
        pool.maxModelLen ??= found?.maxModelLen;
        pool.parameterCount ??= found?.parameterCount;
      })
      .catch(() => undefined)
      .finally(() => this.probing.delete(p));
    this.probing.add(p);
  }
}
