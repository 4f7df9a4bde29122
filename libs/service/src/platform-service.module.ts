import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  GrpcHealthController,
  ReadinessRegistry,
  createLogger,
  serviceDataSourceOptions,
  serviceReadiness,
  type ConfigDefinition,
  type Logger,
} from '@platform/common';
import { OutboxRelay, eventsStream, eventsSubjectPrefix, inboxMigration, outboxMigration, startOutboxRelay } from '@platform/events';
import type { EnsureStreamOptions, MigrationClass } from '@platform/events';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { DatabaseConfig, NatsConfig } from './connections-config';
import { PlatformConnections } from './platform-connections';
import { natsConnectionOptions } from './nats-connection';
import { LOGGER, NATS_CONNECTION, OBJECT_STORE } from './tokens';

type DataSourceParts = Parameters<typeof serviceDataSourceOptions>[0];

export interface PlatformServiceOptions<C> {
  /** The process name: logger name, NATS connection name. */
  name: string;
  /** The service's own settings, read and checked once at start-up and injected under `config.token`. */
  config?: ConfigDefinition<C>;
  /** TypeORM on the service's own schema (created if missing), migrations run on connect. */
  database?: { schema: string; entities: DataSourceParts['entities']; migrations: MigrationClass[] };
  /**
   * The transactional outbox (needs `database`): its table's migration, NATS, and the relay publishing into the
   * platform's events stream and any job queue streams the service feeds. `inbox` adds the consumer inbox table.
   */
  outbox?: { inbox?: boolean; jobStreams?: (config: C) => EnsureStreamOptions[] };
  /** NATS without an outbox; `optional` provides `null` when NATS_URL is unset. */
  nats?: 'required' | 'optional';
  objectStore?: boolean;
  /** The grpc.health.v1 service (default true; false for the HTTP gateway). */
  grpc?: boolean;
}

function migrationsOf<C>(o: PlatformServiceOptions<C>, schema: string, own: MigrationClass[]): MigrationClass[] {
  return [...(o.outbox ? [outboxMigration(schema)] : []), ...(o.outbox?.inbox ? [inboxMigration(schema)] : []), ...own];
}

function natsProvider(name: string, required: boolean): Provider {
  return {
    provide: NATS_CONNECTION,
    useFactory: async (): Promise<NatsConnection | null> => {
      const { servers } = NatsConfig.load();
      if (!servers) {
        if (required) throw new Error(`${name} configuration: NATS_URL is required`);
        return null;
      }
      return connect(natsConnectionOptions(servers, name));
    },
  };
}

function relayProvider<C>(o: PlatformServiceOptions<C>, schema: string): Provider {
  return {
    provide: OutboxRelay,
    inject: [getDataSourceToken(), NATS_CONNECTION, LOGGER, ...(o.config ? [o.config.token] : [])],
    useFactory: (dataSource: DataSource, nc: NatsConnection, logger: Logger, config: C) => {
      const events: EnsureStreamOptions = { name: eventsStream(), subjects: [`${eventsSubjectPrefix()}.>`] };
      const jobStreams = o.outbox?.jobStreams?.(config) ?? [];
      // A relay feeding only the events stream checks each PubAck came from it; one that also feeds job queues cannot.
      const expectStream = jobStreams.length ? undefined : events.name;
      return startOutboxRelay({ dataSource, schema, nc, logger, expectStream, streams: [events, ...jobStreams] });
    },
  };
}

function readinessProvider(withDatabase: boolean, withNats: boolean, withStore: boolean): Provider {
  const inject = [
    ...(withDatabase ? [getDataSourceToken()] : []),
    ...(withNats ? [NATS_CONNECTION] : []),
    ...(withStore ? [OBJECT_STORE] : []),
  ];
  return {
    provide: ReadinessRegistry,
    inject,
    useFactory: (...deps: unknown[]) => {
      const next = () => deps.shift();
      const db = withDatabase ? (next() as DataSource) : undefined;
      const nats = withNats ? ((next() as NatsConnection | null) ?? undefined) : undefined;
      const store = withStore ? (next() as ObjectStore) : undefined;
      return serviceReadiness({ db, nats, store });
    },
  };
}

/**
 * Everything a platform service has besides its domain code, wired once: its configuration, the logger, TypeORM on
 * its own schema, NATS, the object store, the outbox relay, the readiness checks behind /health and grpc.health.v1,
 * and the shutdown order. Global, so the service's module lists only its own providers and injects these by the
 * tokens in `./tokens` (or `@InjectDataSource()`, `OutboxRelay`, `ReadinessRegistry`); a service adds its own readiness
 * checks with `ReadinessRegistry.add`.
 *
 * Shutdown: the process's close (startGrpcService) drains the gRPC server first (in-flight calls finish, for up to
 * PLATFORM_DRAIN_TIMEOUT_MS), then Nest calls `beforeApplicationShutdown` on the service's providers, where its workers
 * and consumers stop, then on this module, which stops the relay and drains NATS; the database closes last (TypeORM's
 * `onApplicationShutdown`). A service therefore stops anything that uses NATS or publishes in
 * `beforeApplicationShutdown`, never later.
 */
@Module({})
export class PlatformServiceModule {
  static forRoot<C>(o: PlatformServiceOptions<C>): DynamicModule {
    const db = o.database;
    if (o.outbox && !db) throw new Error(`${o.name}: the outbox needs a database`);
    const withNats = Boolean(o.outbox) || o.nats !== undefined;
    const providers: Provider[] = [
      { provide: LOGGER, useFactory: () => createLogger(o.name) },
      ...(o.config ? [{ provide: o.config.token, useFactory: () => o.config?.load() }] : []),
      ...(o.objectStore ? [{ provide: OBJECT_STORE, useFactory: () => createObjectStoreFromEnv() }] : []),
      ...(withNats ? [natsProvider(o.name, o.nats !== 'optional')] : []),
      ...(o.outbox && db ? [relayProvider(o, db.schema)] : []),
      readinessProvider(Boolean(db), withNats, Boolean(o.objectStore)),
      PlatformConnections,
    ];
    return {
      global: true,
      module: PlatformServiceModule,
      imports: db
        ? [
            TypeOrmModule.forRootAsync({
              useFactory: () =>
                serviceDataSourceOptions({
                  url: DatabaseConfig.load().url,
                  schema: db.schema,
                  entities: db.entities,
                  migrations: migrationsOf(o, db.schema, db.migrations),
                }),
            }),
          ]
        : [],
      controllers: o.grpc === false ? [] : [GrpcHealthController],
      providers,
      exports: providers.filter((p) => p !== PlatformConnections),
    };
  }
}
