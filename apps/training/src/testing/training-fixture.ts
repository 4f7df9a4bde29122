import { randomBytes, randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { freePort } from '@platform/infra';
import { createEvent, decodeEvent, type EventEnvelope } from '@platform/events';
import { S3ObjectStore, type ObjectStore } from '@platform/object-store';
import { connectGrpcService, unary } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { startServiceProcess, type ServiceProcess } from '@platform/test-fixtures';
import { Client } from 'pg';
import { testRecords, toJsonl } from './records';

export interface Infra {
  databaseUrl: string;
  natsUrl: string;
  s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string };
}

/** A database of its own per spec file: every service schema (training, sdg) exists once in it. */
export async function createDatabase(baseUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export function objectStoreOf(infra: Pick<Infra, 's3'>): ObjectStore {
  return new S3ObjectStore({ ...infra.s3, region: 'us-east-1' });
}

/** `copies` rounds of the test conversations as JSONL. */
export function trainingJsonl(copies: number, answerPrefix = ''): string {
  return toJsonl(testRecords(copies, answerPrefix));
}

/** Environment shared by every process of one spec: its own database, subjects and streams. */
export function specEnv(infra: Infra, tag: string, databaseUrl: string, baseModel: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    NATS_URL: infra.natsUrl,
    PLATFORM_S3_ENDPOINT: infra.s3.endpoint,
    PLATFORM_S3_BUCKET: infra.s3.bucket,
    PLATFORM_S3_ACCESS_KEY: infra.s3.accessKey,
    PLATFORM_S3_SECRET_KEY: infra.s3.secretKey,
    PLATFORM_TRAINING_BASE_MODEL: baseModel,
    PLATFORM_EVENTS_PREFIX: `t${tag}.events`,
    PLATFORM_EVENTS_STREAM: `TRAINING_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_TRAINING_JOBS_PREFIX: `t${tag}.jobs`,
    PLATFORM_TRAINING_JOBS_STREAM: `TRAINING_JOBS_${tag.toUpperCase()}`,
    PLATFORM_TRAINING_DURABLE_PREFIX: `training_${tag}`,
    PLATFORM_TRAINING_JOB_ACK_WAIT_MS: '3000',
    PLATFORM_TRAINING_CANCEL_POLL_MS: '200',
    PLATFORM_TRAINING_LEASE_MS: '3000',
    PLATFORM_TRAINING_EVALUATION_RETRY_MS: '300',
    PLATFORM_SDG_JOBS_STREAM: `SDG_JOBS_${tag.toUpperCase()}`,
    PLATFORM_SDG_JOBS_SUBJECT_PREFIX: `s${tag}.jobs`,
    PLATFORM_SDG_JOBS_DURABLE: `sdg_${tag}`,
    PLATFORM_LOG_LEVEL: 'info',
  };
}

export interface ServiceChild extends ServiceProcess {
  grpcUrl: string;
  opsPort: number;
}

/** A platform service from its TypeScript entry on free ports, in a process group of its own (`crash()` kills its trainers too). */
export async function startServiceChild(name: 'training' | 'sdg' | 'deployment', env: NodeJS.ProcessEnv): Promise<ServiceChild> {
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  const opsPort = await freePort();
  const prefix = `PLATFORM_${name.toUpperCase()}`;
  const service = await startServiceProcess(
    name,
    { ...env, [`${prefix}_GRPC_URL`]: grpcUrl, [`${prefix}_OPS_PORT`]: String(opsPort) },
    opsPort,
    { timeoutMs: 90_000, processGroup: true },
  );
  return { ...service, grpcUrl, opsPort };
}

/** A completed data generation run in the SDG service's own table, as its worker leaves it. */
export async function seedDataJob(
  databaseUrl: string,
  o: { projectId: string; status?: string; trainingEstimated?: number },
): Promise<string> {
  const id = randomUUID();
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const tokens = {
      data_tokens_total: 1000,
      data_leaf_nodes: { 'knowledge/science/qna.yaml': 1000 },
      training_estimated: o.trainingEstimated ?? 4242,
      training_phases: { phase_1_knowledge: 2000, phase_2_skills: 2242 },
    };
    await c.query(
      `INSERT INTO sdg.data_jobs (id, project_id, name, taxonomy_id, status, state, teacher_model, judge_model, created_by, tokens, completed_at)
       VALUES ($1, $2, $3, $4, $5, '', 'platform/starter-llama', 'platform/starter-llama', 'test', $6, now())`,
      [id, o.projectId, `data-${randomBytes(3).toString('hex')}`, randomUUID(), o.status ?? 'completed', JSON.stringify(tokens)],
    );
  } finally {
    await c.end();
  }
  return id;
}

/** A real gRPC client of the training service, as the gateway builds it. */
export function trainingClient(url: string) {
  const client = connectGrpcService<trainingV1.TrainingServiceClient>('training', trainingV1.TRAINING_SERVICE_NAME, { url });
  const svc = client.service;
  return {
    create: (r: trainingV1.CreateModelJobRequest) => unary(svc.createModelJob(r)),
    get: (r: trainingV1.GetModelJobRequest) => unary(svc.getModelJob(r)),
    list: (r: trainingV1.ListModelJobsRequest) => unary(svc.listModelJobs(r)),
    cancel: (r: trainingV1.CancelModelJobRequest) => unary(svc.cancelModelJob(r)),
    delete: (r: trainingV1.DeleteModelJobRequest) => unary(svc.deleteModelJob(r)),
    createFineTuning: (r: trainingV1.CreateFineTuningRequest) => unary(svc.createFineTuning(r)),
    listFineTunings: (r: trainingV1.ListFineTuningsRequest) => unary(svc.listFineTunings(r)),
    deleteFineTuning: (r: trainingV1.DeleteFineTuningRequest) => unary(svc.deleteFineTuning(r)),
    createTuning: (r: trainingV1.CreateTuningRequest) => unary(svc.createTuning(r)),
    getTuning: (r: trainingV1.GetTuningRequest) => unary(svc.getTuning(r)),
    listTunings: (r: trainingV1.ListTuningsRequest) => unary(svc.listTunings(r)),
    deleteTuning: (r: trainingV1.DeleteTuningRequest) => unary(svc.deleteTuning(r)),
    getTuningLogs: (r: trainingV1.GetTuningLogsRequest) => unary(svc.getTuningLogs(r)),
    createDataset: (r: trainingV1.CreateDatasetRequest) => unary(svc.createDataset(r)),
    close: client.close,
  };
}

export type TrainingClient = ReturnType<typeof trainingClient>;

/** Every event published under a prefix, decoded, as the test saw it. */
export class EventLog {
  readonly events: EventEnvelope[] = [];
  private readonly sub: Subscription;

  constructor(nc: NatsConnection, prefix: string) {
    const sub = nc.subscribe(`${prefix}.>`);
    this.sub = sub;
    void (async () => {
      // A relay that died between publish and mark publishes again; JetStream drops the copy by id, a plain
      // subscription sees both, so keep each event id once as a consumer's inbox would.
      for await (const m of sub) {
        const e = decodeEvent(m.data);
        if (!this.events.some((x) => x.id === e.id)) this.events.push(e);
      }
    })();
  }

  of<T>(type: string, modelId: string): EventEnvelope<T>[] {
    return this.events.filter((e) => e.type === type && (e.data as { modelId?: string }).modelId === modelId) as EventEnvelope<T>[];
  }

  close(): void {
    this.sub.unsubscribe();
  }
}

export function evaluationEvent(
  prefix: string,
  type: 'evaluation.model.evaluated' | 'evaluation.model.failed',
  data: Record<string, unknown>,
): EventEnvelope {
  return createEvent(type, data, { subjectPrefix: prefix });
}

export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  everyMs = 150,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
