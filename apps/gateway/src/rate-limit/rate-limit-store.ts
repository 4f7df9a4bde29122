import type { Provider, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseConfig, LOGGER } from '@platform/service';
import type { Logger } from '@platform/common';
import { Pool } from 'pg';
import { GatewayConfig } from '../gateway.config';

/**
 * The connections the limiters share, apart from TypeORM's pool: a request's rate-limit check never queues behind
 * the gateway's own queries, and a database that stops answering fails the check within `timeoutMs` (then the
 * limiters decide on this replica alone) instead of holding the request.
 */
export class RateLimitStore implements OnApplicationShutdown {
  readonly pool: Pool;

  constructor(url: string, timeoutMs: number, logger: Logger) {
    this.pool = new Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: 'gateway-rate-limits',
    });
    // An idle connection the server drops must not take the process down: the next query opens a new one.
    this.pool.on('error', (err) => logger.warn({ err }, 'rate-limit store connection lost'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

export const rateLimitStoreProvider: Provider = {
  provide: RateLimitStore,
  inject: [GatewayConfig.token, LOGGER],
  useFactory: (config: GatewayConfig, logger: Logger) =>
    new RateLimitStore(DatabaseConfig.load().url, config.rateLimits.storeTimeoutMs, logger),
};
