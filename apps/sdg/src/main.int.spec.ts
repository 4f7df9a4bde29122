import { randomBytes, randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { lastValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectGrpcService, type GrpcServiceClient } from '@platform/common';
import { sdgV1 } from '@platform/contracts';
import { OutboxRelay } from '@platform/events';
import { freePort } from '@platform/infra';
import { DataJobEntity } from './jobs/data-job.entity';
import { SdgConfig } from './sdg.config';
import { startSdgService, startSdgWorkerOnly } from './main';
import { enqueueJob, openDataSource } from './worker/testing/worker-fixture';

const tag = randomBytes(4).toString('hex');
let api: Awaited<ReturnType<typeof startSdgService>>;
let worker: Awaited<ReturnType<typeof startSdgWorkerOnly>>;
let client: GrpcServiceClient<sdgV1.SdgServiceClient>;
let sdg: sdgV1.SdgServiceClient;
let ds: DataSource;
let apiOps: number;
let workerOps: number;

beforeAll(async () => {
  const baseUrl = inject('databaseUrl');
  const database = `sdg_main_${tag}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const s3 = inject('s3');
  // Nothing listens on the taxonomy and inference addresses: those calls fail as "unavailable".
  const [grpcPort, taxonomyPort, inferencePort] = [await freePort(), await freePort(), await freePort()];
  [apiOps, workerOps] = [await freePort(), await freePort()];
  Object.assign(process.env, {
    LOG_LEVEL: 'error',
    DATABASE_URL: baseUrl.replace(/\/[^/]+$/, `/${database}`),
    NATS_URL: inject('natsUrl'),
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_SDG_JOBS_STREAM: `SDG_MAIN_${tag.toUpperCase()}`,
    PLATFORM_SDG_JOBS_SUBJECT_PREFIX: `m${tag}.jobs`,
    PLATFORM_TAXONOMY_GRPC_URL: `127.0.0.1:${taxonomyPort}`,
    PLATFORM_INFERENCE_GRPC_URL: `127.0.0.1:${inferencePort}`,
    PLATFORM_GRPC_TIMEOUT_MS: '3000',
  });
  process.env.PLATFORM_SDG_WORKERS = '0';
  api = await startSdgService({ grpcUrl: `127.0.0.1:${grpcPort}`, opsPort: apiOps });
  process.env.PLATFORM_SDG_WORKERS = '2';
  worker = await startSdgWorkerOnly(workerOps);
  client = connectGrpcService('sdg', sdgV1.SDG_SERVICE_NAME, { url: `127.0.0.1:${grpcPort}` });
  sdg = client.service;
  ds = await openDataSource(process.env.DATABASE_URL as string);
});

afterAll(async () => {
  client?.close();
  await worker?.close();
  await api?.close();
  await ds?.destroy();
});

const grpcError = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: -1 }),
    (err: { code: number }) => err,
  );

describe('the sdg processes', () => {
  it('an API-only and a worker-only process both report healthy', async () => {
    for (const port of [apiOps, workerOps]) {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status, String(port)).toBe(200);
    }
  });

  it('answers reads over gRPC and refuses a create it cannot check', async () => {
    const project = randomUUID();
    expect((await lastValueFrom(sdg.listDataJobs({ projectId: project, start: '', limit: 0 }))).dataJobs).toEqual([]);
    expect((await grpcError(lastValueFrom(sdg.getDataJob({ projectId: project, id: randomUUID() })))).code).toBe(GrpcStatus.NOT_FOUND);
    const create = lastValueFrom(
      sdg.createDataJob({
        projectId: project,
        name: 'n1',
        taxonomyId: randomUUID(),
        teacherModel: '',
        judgeModel: '',
        createdBy: 'u',
        numInstructions: 0,
      }),
    );
    expect((await grpcError(create)).code).toBe(GrpcStatus.UNAVAILABLE);
    expect((await lastValueFrom(sdg.listDataJobs({ projectId: project, start: '', limit: 0 }))).dataJobs).toEqual([]);
  });

  it('the worker-only process takes queued jobs, and puts one back when the taxonomy service is down', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    const relay = new OutboxRelay({ dataSource: ds, schema: 'sdg', nc, pollIntervalMs: 100 });
    relay.start();
    try {
      const job = await enqueueJob(ds, relay, SdgConfig.load().queue);
      const row = async () => ds.getRepository(DataJobEntity).findOneByOrFail({ id: job.id });
      const deadline = Date.now() + 15_000;
      while ((await row()).attempts < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const seen = await row();
      // Claimed, put back (not failed) when the taxonomy call was refused, and claimed again.
      expect(seen.attempts).toBeGreaterThanOrEqual(2);
      expect(seen.status).toBe('running');
      expect(seen.failureReason).toBeNull();
    } finally {
      await relay.stop();
      await nc.close();
    }
  });
});
