import { Inject, Injectable, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { OutboxRelay, stopOutboxRelay } from '@platform/events';
import { NATS_CONNECTION } from './tokens';

/**
 * The platform's part of a service's shutdown. Being in a global module, its hook runs after the service's own
 * `beforeApplicationShutdown` hooks (its workers have stopped and handed their jobs back) and before TypeORM closes
 * the database: stop publishing (unsent rows stay in the outbox for the next start), then drain NATS.
 */
@Injectable()
export class PlatformConnections implements BeforeApplicationShutdown {
  constructor(
    @Optional() private readonly relay?: OutboxRelay,
    @Optional() @Inject(NATS_CONNECTION) private readonly nc?: NatsConnection | null,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    if (this.relay && this.nc) await stopOutboxRelay(this.relay, this.nc);
    else if (this.nc && !this.nc.isClosed()) await this.nc.drain();
  }
}
