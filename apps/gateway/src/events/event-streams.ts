import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { PlatformError, type Logger } from '@platform/common';
import { LOGGER, NATS_CONNECTION } from '@platform/service';
import type { FastifyReply } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { GatewayConfig } from '../gateway.config';
import { METRICS_REGISTRY } from '../health/health.controller';
import type { EventFilters } from './event-filters';
import { pipeEventStream } from './event-stream-response';
import { EventStreamSlots } from './event-stream-slots';
import type { EventSelection } from './public-event';
import { readStoredEvents, type StoredEventsReader } from './stored-events';

/**
 * The gateway's open event streams: each a slot (bounded per caller and in all), an ordered consumer on the events
 * stream, and a response. Shutdown ends them all before the HTTP server closes, so none holds it open.
 */
@Injectable()
export class EventStreams implements BeforeApplicationShutdown {
  private readonly slots: EventStreamSlots;
  private readonly open = new Set<() => void>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection | null,
    @Inject(GatewayConfig.token) private readonly config: Pick<GatewayConfig, 'eventStreams'>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    const slots = new EventStreamSlots({ perPrincipal: config.eventStreams.maxPerPrincipal, total: config.eventStreams.maxTotal });
    this.slots = slots;
    if (registry)
      new Gauge({
        name: 'gateway_event_streams_open',
        help: 'GET /v1/events streams this gateway holds open',
        registers: [registry],
        collect() {
          this.set(slots.size);
        },
      });
  }

  /**
   * Serves one stream. Everything that can refuse it (no NATS, no slot, the consumer) happens before the first byte,
   * so a refusal is an answer in the error envelope; resolves when the stream has ended.
   */
  async serve(
    reply: FastifyReply,
    principal: string,
    selection: EventSelection,
    filters: EventFilters,
    stillAllowed: () => Promise<unknown>,
  ): Promise<void> {
    if (!this.nc || this.nc.isClosed())
      throw new PlatformError(
        GrpcStatus.UNAVAILABLE,
        'events_unavailable',
        'The event stream is not available: this gateway has no NATS connection.',
      );
    const release = this.slots.take(principal);
    let reader: StoredEventsReader;
    try {
      reader = await readStoredEvents(this.nc, { types: filters.types && [...filters.types], after: filters.after });
    } catch (err) {
      release();
      this.logger.warn({ err }, 'event stream: cannot read the events stream');
      throw new PlatformError(GrpcStatus.UNAVAILABLE, 'events_unavailable', 'The event stream is not available now: retry later.');
    }
    const { keepAliveMs, maxStreamMs } = this.config.eventStreams;
    const stream = await pipeEventStream(reply, reader, selection, { keepAliveMs, maxStreamMs }, stillAllowed);
    this.open.add(stream.stop);
    try {
      await stream.done;
    } finally {
      this.open.delete(stream.stop);
      release();
    }
  }

  /** Streams open now (for tests and metrics). */
  get openStreams(): number {
    return this.slots.size;
  }

  beforeApplicationShutdown(): void {
    for (const stop of [...this.open]) stop();
  }
}
