import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, type BeforeApplicationShutdown, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectDataSource, getDataSourceToken } from '@nestjs/typeorm';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { ReadinessRegistry, defineConfig, intSetting, stringSetting, type ConfigOf } from '@platform/common';
import { OutboxRelay, defineEvents, enqueueEvent } from '@platform/events';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { PlatformServiceModule } from './platform-service.module';
import { LOGGER, NATS_CONNECTION, OBJECT_STORE } from './tokens';

const tag = randomUUID().slice(0, 8);
const schema = `probe_${tag}`;
const eventsStream = `PROBE_EVENTS_${tag}`;
const eventsPrefix = `probe.${tag}.events`;
const jobsStream = `PROBE_JOBS_${tag}`;

const ProbeConfig = defineConfig('probe', {
  jobsStream: stringSetting('PROBE_JOBS_STREAM'),
  batch: intSetting('PROBE_BATCH', { default: 4, min: 1 }),
});
type ProbeConfig = ConfigOf<typeof ProbeConfig>;

/** What a worker sees when it is told to stop: the connections must still be open. */
const atWorkerStop: { natsOpen?: boolean; dbAnswers?: boolean } = {};

@Injectable()
class ProbeWorker implements BeforeApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @InjectDataSource() private readonly db: DataSource,
  ) {}
  async beforeApplicationShutdown(): Promise<void> {
    atWorkerStop.natsOpen = !this.nc.isClosed();
    atWorkerStop.dbAnswers = (await this.db.query('SELECT 1 AS one'))[0].one === 1;
  }
}

@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'probe',
      config: ProbeConfig,
      database: { schema, entities: [], migrations: [] },
      outbox: { jobStreams: (c: ProbeConfig) => [{ name: c.jobsStream, subjects: [`probe.${tag}.jobs.>`], retention: 'workqueue' }] },
      objectStore: true,
    }),
  ],
  providers: [ProbeWorker],
})
class ProbeModule {}

const ENV = ['DATABASE_URL', 'NATS_URL', 'PLATFORM_EVENTS_STREAM', 'PLATFORM_EVENTS_PREFIX', 'PROBE_JOBS_STREAM', 'PROBE_BATCH'];
const S3_ENV = ['PLATFORM_S3_ENDPOINT', 'PLATFORM_S3_BUCKET', 'PLATFORM_S3_ACCESS_KEY', 'PLATFORM_S3_SECRET_KEY'];

function setEnv(over: Record<string, string> = {}): void {
  const s3 = inject('s3');
  Object.assign(process.env, {
    DATABASE_URL: inject('databaseUrl'),
    NATS_URL: inject('natsUrl'),
    PLATFORM_EVENTS_STREAM: eventsStream,
    PLATFORM_EVENTS_PREFIX: eventsPrefix,
    PROBE_JOBS_STREAM: jobsStream,
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    ...over,
  });
}

const start = () => NestFactory.createApplicationContext(ProbeModule, { logger: false, abortOnError: false });

describe('PlatformServiceModule', () => {
  let app: INestApplicationContext | undefined;

  beforeAll(() => setEnv());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    const jsm = await jetstreamManager(nc);
    for (const stream of [eventsStream, jobsStream]) await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
    const pg = new Client({ connectionString: inject('databaseUrl') });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.end();
    for (const name of [...ENV, ...S3_ENV]) delete process.env[name];
  });

  it('provides the config, logger, object store, migrated schema and readiness of a service from one line', async () => {
    setEnv({ PROBE_BATCH: '16' });
    app = await start();
    await app.init();
    expect(app.get<ProbeConfig>(ProbeConfig.token)).toEqual({ jobsStream, batch: 16 });
    expect(app.get(LOGGER)).toHaveProperty('info');
    expect(app.get(OBJECT_STORE)).toHaveProperty('exists');
    const db = app.get<DataSource>(getDataSourceToken());
    const tables: { table_name: string }[] = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [
      schema,
    ]);
    expect(tables.map((t) => t.table_name)).toContain('outbox');
    const report = await app.get(ReadinessRegistry).check();
    expect(report).toEqual({ ready: true, checks: { database: 'ok', nats: 'ok', object_store: 'ok' } });
  });

  it('publishes the outbox into the events stream and creates the job streams the service feeds', async () => {
    app = await start();
    await app.init();
    const db = app.get<DataSource>(getDataSourceToken());
    const nc = app.get<NatsConnection>(NATS_CONNECTION);
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(jobsStream)).config.subjects).toEqual([`probe.${tag}.jobs.>`]);
    const events = defineEvents<{ 'probe.pinged': { n: number } }>({ subjectPrefix: eventsPrefix });
    await db.transaction((m) => enqueueEvent(m, schema, events.create('probe.pinged', { n: 1 })));
    app.get(OutboxRelay).nudge();
    await expect.poll(async () => (await jsm.streams.info(eventsStream)).state.messages, { timeout: 10_000 }).toBe(1);
  });

  it('stops the service workers while NATS and the database are open, then closes both', async () => {
    app = await start();
    await app.init();
    const nc = app.get<NatsConnection>(NATS_CONNECTION);
    const db = app.get<DataSource>(getDataSourceToken());
    await app.close();
    app = undefined;
    expect(atWorkerStop).toEqual({ natsOpen: true, dbAnswers: true });
    expect(nc.isClosed()).toBe(true);
    expect(db.isInitialized).toBe(false);
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    setEnv({ PROBE_BATCH: 'lots' });
    await expect(start()).rejects.toThrow('probe configuration: PROBE_BATCH must be an integer ≥ 1, got "lots"');
    setEnv({ PROBE_BATCH: '' });
  });
});
