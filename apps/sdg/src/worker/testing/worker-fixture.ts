import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createLogger, serviceDataSourceOptions } from '@platform/common';
import { taxonomyV1 } from '@platform/contracts';
import { OutboxRelay, outboxMigration } from '@platform/events';
import { S3ObjectStore } from '@platform/object-store';
import { DataSource } from 'typeorm';
import { DataJobEntity } from '../../jobs/data-job.entity';
import { SDG_SCHEMA } from '../../jobs/data-job.store';
import { insertQueuedJob } from '../../jobs/insert-queued-job';
import type { SdgQueueConfig } from '../../jobs/sdg-events';
import { SdgSchema1763900000300 } from '../../migrations/1763900000300-sdg-schema';
import { SdgDataLeafNodes1763900000310 } from '../../migrations/1763900000310-data-leaf-nodes-map';
import type { RunSdg } from '../../pipelines/contract';
import { SdgWorker } from '../sdg-worker';

/** What a worker needs, passed to child processes as JSON in SDG_WORKER_FIXTURE. */
export interface WorkerFixture {
  databaseUrl: string;
  natsUrl: string;
  s3: { endpoint: string; bucket: string; accessKey: string; secretKey: string };
  queue: SdgQueueConfig;
  leaseMs: number;
  ackWaitMs: number;
  leafPaths: string[];
}

export async function openDataSource(databaseUrl: string): Promise<DataSource> {
  const ds = new DataSource(
    await serviceDataSourceOptions({
      url: databaseUrl,
      schema: SDG_SCHEMA,
      entities: [DataJobEntity],
      migrations: [outboxMigration(SDG_SCHEMA), SdgSchema1763900000300, SdgDataLeafNodes1763900000310],
    }),
  );
  return ds.initialize();
}

export function fixtureStore(f: WorkerFixture): S3ObjectStore {
  return new S3ObjectStore({ ...f.s3, region: 'us-east-1' });
}

/** The leaves the test jobs run over (the pipelines stand-in only reads their paths). */
export function fixtureLeaves(f: WorkerFixture): taxonomyV1.TaxonomyLeaf[] {
  return f.leafPaths.map((path) => ({ path, kind: taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL, qnaYaml: 'version: 3\n', documents: [] }));
}

export interface StartedWorker {
  worker: SdgWorker;
  stop(): Promise<void>;
}

export async function startFixtureWorker(f: WorkerFixture, ds: DataSource, runSdg: RunSdg, nc?: NatsConnection): Promise<StartedWorker> {
  const conn = nc ?? (await connect({ servers: f.natsUrl }));
  const worker = new SdgWorker({
    db: ds,
    nc: conn,
    store: fixtureStore(f),
    queue: f.queue,
    runSdg,
    loadLeaves: async () => fixtureLeaves(f),
    logger: createLogger('sdg-test-worker'),
    concurrency: 1,
    leaseMs: f.leaseMs,
    heartbeatMs: Math.max(100, Math.floor(f.leaseMs / 5)),
    progressIntervalMs: 100,
    ackWaitMs: f.ackWaitMs,
  });
  await worker.start();
  return {
    worker,
    stop: async () => {
      await worker.stop();
      if (!nc) await conn.close();
    },
  };
}

/** A queued job with its queue message, inserted as DataJobsService.create does (without the taxonomy check). */
export async function enqueueJob(
  ds: DataSource,
  relay: OutboxRelay,
  queue: SdgQueueConfig,
  projectId = randomUUID(),
): Promise<DataJobEntity> {
  const row = await ds.transaction((m) =>
    insertQueuedJob(m, queue, {
      projectId,
      name: `job-${randomUUID().slice(0, 8)}`,
      taxonomyId: randomUUID(),
      teacherModel: 'teacher',
      judgeModel: 'teacher',
      options: {},
      createdBy: 'test',
    }),
  );
  relay.nudge();
  return row;
}
