import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { context } from '@opentelemetry/api';
import { contextFromHeaders, endSpan, runWithTrace, startProcessSpan, tracingEnabled } from '@platform/telemetry';
import { decodeEvent } from './codec';
import type { EventEnvelope } from './envelope';
import { DeferredEventError, EventTooLargeError, InvalidEventError, PermanentEventError } from './errors';
import { errorFields, silentLogger, type EventsLogger } from './logger';
import { Waker } from './wake';

export interface ConsumerContext {
  msg: JsMsg;
  /** 1 on the first delivery. */
  deliveryCount: number;
  redelivered: boolean;
  /** Resets the server's ack timer. Sent automatically while the handler runs; call it for extra safety. */
  working(): void;
}

export interface PoisonEvent {
  /** Undefined when the body could not be decoded. */
  event?: EventEnvelope;
  msg: JsMsg;
  error: unknown;
  deliveryCount: number;
  reason: 'invalid' | 'permanent' | 'max-deliver';
}

export interface StartConsumerOptions<E extends EventEnvelope = EventEnvelope> {
  nc: NatsConnection;
  stream: string;
  /** Durable consumer name; every instance of a service uses the same one to share the work. */
  durable: string;
  filterSubject?: string;
  /** Several filters (needs nats-server 2.10 or newer). */
  filterSubjects?: string[];
  /**
   * Handles one event. The message is acked only after this resolves, so commit the database work inside it
   * (`handleOnce` does both the work and the de-duplication in one transaction).
   */
  handler: (event: E, ctx: ConsumerContext) => Promise<void>;
  /** Deliveries before a failing event is terminated as poison. Default 5. */
  maxDeliver?: number;
  /** Server-side ack wait in ms. Default 30000. */
  ackWait?: number;
  /** Delay of the nak after a transient failure, in ms, or a function of the delivery count. Default 1000. */
  nakDelayMs?: number | ((deliveryCount: number) => number);
  /**
   * Whether a handler error is worth retrying. Default: everything except `PermanentEventError`,
   * `InvalidEventError` and `EventTooLargeError`. Non-transient errors terminate the message at once.
   */
  isTransient?: (err: unknown) => boolean;
  /** Handlers running at once (and messages pulled ahead). Default 1, which keeps stream order. */
  concurrency?: number;
  /** In-progress ack period while a handler runs, in ms. Default ackWait / 3. */
  workingIntervalMs?: number;
  /** Where a new durable starts. Default 'all'. */
  deliverPolicy?: 'all' | 'new';
  /** Called when a message is terminated (log it, store it in a dead-letter table, ...). Errors are only logged. */
  onPoison?: (p: PoisonEvent) => void | Promise<void>;
  logger?: EventsLogger;
}

export interface EventConsumer {
  readonly stream: string;
  readonly durable: string;
  /** Stops pulling, hands buffered messages back (nak), waits for running handlers to finish and ack. */
  stop(): Promise<void>;
  /** NestJS lifecycle hook (when the handle is registered as a provider): same as `stop()`. */
  onModuleDestroy(): Promise<void>;
}

// An event too large to enqueue is built the same way on every delivery: retrying would only repeat the work before it.
export const defaultIsTransient = (err: unknown): boolean =>
  !(err instanceof PermanentEventError || err instanceof InvalidEventError || err instanceof EventTooLargeError);

/**
 * Creates (or updates) a durable pull consumer with explicit acks and starts consuming it. Returns once the consumer
 * exists on the server.
 */
export async function startConsumer<E extends EventEnvelope = EventEnvelope>(opts: StartConsumerOptions<E>): Promise<EventConsumer> {
  const jsm = await jetstreamManager(opts.nc);
  await ensureConsumer(jsm, opts);
  const c = new PullEventConsumer(opts);
  c.start();
  return c;
}

/** Creates the durable consumer, or updates the settings that differ. */
export async function ensureConsumer(jsm: JetStreamManager, opts: StartConsumerOptions<never>): Promise<ConsumerInfo> {
  const { stream, durable } = opts;
  const wanted: Partial<ConsumerConfig> = {
    max_deliver: opts.maxDeliver ?? 5,
    ack_wait: nanos(opts.ackWait ?? 30_000),
  };
  if (opts.filterSubjects && opts.filterSubjects.length > 0) wanted.filter_subjects = opts.filterSubjects;
  else if (opts.filterSubject) wanted.filter_subject = opts.filterSubject;
  let info: ConsumerInfo | undefined;
  try {
    info = await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
  }
  if (!info) {
    return jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: opts.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      ...wanted,
    });
  }
  const cfg = info.config as Partial<ConsumerConfig>;
  const changed = (Object.keys(wanted) as (keyof ConsumerConfig)[]).some((k) => JSON.stringify(cfg[k]) !== JSON.stringify(wanted[k]));
  return changed ? jsm.consumers.update(stream, durable, wanted) : info;
}

class PullEventConsumer<E extends EventEnvelope> implements EventConsumer {
  readonly stream: string;
  readonly durable: string;
  private readonly log: EventsLogger;
  private readonly maxDeliver: number;
  private readonly concurrency: number;
  private readonly workingMs: number;
  private readonly isTransient: (err: unknown) => boolean;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waker = new Waker();
  private messages: ConsumerMessages | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: StartConsumerOptions<E>) {
    this.stream = o.stream;
    this.durable = o.durable;
    this.log = o.logger ?? silentLogger;
    this.maxDeliver = o.maxDeliver ?? 5;
    this.concurrency = Math.max(1, o.concurrency ?? 1);
    this.workingMs = Math.max(50, o.workingIntervalMs ?? Math.floor((o.ackWait ?? 30_000) / 3));
    this.isTransient = o.isTransient ?? defaultIsTransient;
  }

  start(): void {
    this.loop = this.run();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    this.waker.wake();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    const js = jetstream(this.o.nc);
    let failures = 0;
    while (!this.stopping) {
      try {
        if (failures > 0) await ensureConsumer(await js.jetstreamManager(), this.o);
        const consumer = await js.consumers.get(this.o.stream, this.o.durable);
        if (this.stopping) break;
        this.messages = await consumer.consume({ max_messages: this.concurrency });
        if (this.stopping) {
          await this.messages.close();
          break;
        }
        failures = 0;
        for await (const msg of this.messages) {
          if (this.stopping) {
            msg.nak();
            continue;
          }
          while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
          const p = this.handle(msg)
            .catch((err) => this.log.error({ ...errorFields(err), subject: msg.subject }, 'event settlement failed'))
            .finally(() => this.inFlight.delete(p));
          this.inFlight.add(p);
        }
      } catch (err) {
        if (this.stopping) break;
        failures++;
        this.log.warn({ ...errorFields(err), stream: this.o.stream, durable: this.o.durable }, 'event consumer interrupted; restarting');
      }
      if (!this.stopping) await this.waker.wait(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(msg: JsMsg): Promise<void> {
    const deliveryCount = msg.info.deliveryCount;
    let event: EventEnvelope;
    try {
      event = decodeEvent(msg.data);
    } catch (error) {
      return this.poison({ msg, error, deliveryCount, reason: 'invalid' });
    }
    const fields = { eventId: event.id, type: event.type, traceId: event.traceId, deliveryCount, durable: this.o.durable };
    const timer = setInterval(() => {
      try {
        msg.working();
      } catch {
        // connection gone: the message will be redelivered after ackWait and de-duplicated by the inbox
      }
    }, this.workingMs);
    try {
      await this.runHandler(event as E, { msg, deliveryCount, redelivered: msg.redelivered, working: () => msg.working() });
    } catch (error) {
      clearInterval(timer);
      if (!this.isTransient(error)) return this.poison({ event, msg, error, deliveryCount, reason: 'permanent' });
      if (this.maxDeliver > 0 && deliveryCount >= this.maxDeliver) {
        return this.poison({ event, msg, error, deliveryCount, reason: 'max-deliver' });
      }
      const d = this.o.nakDelayMs ?? 1000;
      const delay = typeof d === 'function' ? d(deliveryCount) : d;
      msg.nak(delay);
      if (error instanceof DeferredEventError) this.log.debug({ ...fields, reason: error.message, retryInMs: delay }, 'event deferred');
      else this.log.warn({ ...fields, ...errorFields(error), retryInMs: delay }, 'event handler failed; will retry');
      return;
    }
    clearInterval(timer);
    try {
      await msg.ackAck();
      this.log.debug(fields, 'event handled');
    } catch (error) {
      // The handler's work is committed; a redelivery is skipped by the inbox.
      this.log.warn({ ...fields, ...errorFields(error) }, 'event ack not confirmed; it may be redelivered');
    }
  }

  /**
   * Runs the handler inside the event's transaction (its id on every log line and event it writes) and, when tracing,
   * in a CONSUMER span under the publisher's span (the `traceparent` header): a queued job's run continues the trace
   * of the request that created it.
   */
  private runHandler(event: E, ctx: ConsumerContext): Promise<void> {
    const run = () => this.o.handler(event, ctx);
    if (!tracingEnabled()) return runWithTrace(event.traceId, run);
    const parent = contextFromHeaders((name) => ctx.msg.headers?.get(name) || undefined);
    const { span, ctx: spanCtx } = startProcessSpan(
      { subject: ctx.msg.subject, type: event.type, id: event.id, transactionId: event.traceId },
      parent,
      this.durable,
      ctx.deliveryCount,
    );
    return runWithTrace(event.traceId, () => context.with(spanCtx, run)).then(
      () => endSpan(span),
      (err: unknown) => {
        endSpan(span, err);
        throw err;
      },
    );
  }

  private async poison(p: PoisonEvent): Promise<void> {
    p.msg.term();
    this.log.error(
      {
        eventId: p.event?.id,
        type: p.event?.type,
        traceId: p.event?.traceId,
        subject: p.msg.subject,
        deliveryCount: p.deliveryCount,
        reason: p.reason,
        ...errorFields(p.error),
      },
      'event terminated as poison',
    );
    try {
      await this.o.onPoison?.(p);
    } catch (err) {
      this.log.error({ ...errorFields(err), eventId: p.event?.id }, 'onPoison callback failed');
    }
  }
}
