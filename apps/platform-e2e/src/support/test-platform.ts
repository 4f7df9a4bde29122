import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterEach, inject } from 'vitest';
import { freePort } from '@platform/infra';
import {
  WORKSPACE_ROOT,
  servicePorts,
  startPlatform,
  type PlatformOptions,
  type PlatformSecrets,
  type RunningPlatform,
  type Supervisor,
} from '@platform/launcher';
import { Api } from './api';
import type { PlatformEvents } from './events';
import { writeTinyModel } from '@platform/engine/internals';
import { E2E_TINY_MODEL } from './tiny-model-size';
import { keepLogs } from './kept-logs';

export interface TestPlatform {
  url: string;
  secrets: PlatformSecrets;
  api: Api;
  options: PlatformOptions;
  /** This platform's own event stream and subject prefix on the shared NATS server. */
  events: PlatformEvents;
  /** The running processes (engine-server, taxonomy, inference, gateway), e.g. to crash one. */
  processes(): RunningPlatform['processes'];
  /** Stops every process and starts them again on the same database, bucket and streams. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real platform, started by the same launcher code as `npm start`, as separate processes, on the shared test
 * servers, with a database of its own so test files never see each other's rows.
 */
export interface TestPlatformOptions {
  /** Also run the built-in engine server with a tiny random model served under this name. */
  engineModel?: string;
  /** Extra config.json fields for that tiny model (e.g. `is_matryoshka`). */
  engineModelConfig?: Record<string, unknown>;
  /** Also run the built-in engine server with the shipped starter model (models/starter) under this name. */
  starterModel?: string;
  /** Extra environment for every process. */
  env?: NodeJS.ProcessEnv;
  /** More model servers (base URLs) the inference service discovers next to the built-in engine server. */
  extraBackends?: string[];
  /** PostgreSQL and NATS of the test's own (e.g. to crash them) instead of the shared test servers. */
  servers?: { databaseUrl: string; natsUrl: string };
  /** Restarts crashed processes (default: the launcher's, logging to stdout). */
  supervisor?: Supervisor;
}

/** This spec file's platforms that are up: a failed test keeps their logs, which stop() removes with the data dir. */
const up = new Map<string, string>();
afterEach(({ task }) => {
  if (task.result?.state !== 'fail') return;
  for (const [dataDir, database] of up) keepLogs(join(dataDir, 'logs'), `${task.file.name.replace(/[^\w.-]+/g, '_')}-${database}`);
});

export async function startTestPlatform(o: TestPlatformOptions = {}): Promise<TestPlatform> {
  const baseUrl = o.servers?.databaseUrl ?? inject('databaseUrl');
  const natsUrl = o.servers?.natsUrl ?? inject('natsUrl');
  const database = `e2e_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  const dataDir = mkdtempSync(join(tmpdir(), 'platform-e2e-'));
  chmodSync(dataDir, 0o755);
  const s3 = inject('s3');
  const events: PlatformEvents = { natsUrl, stream: `E2E_EVENTS_${database}`, prefix: `e2e.${database}.events` };
  const options: PlatformOptions = {
    supervisor: o.supervisor,
    dataDir,
    ports: { gateway: await freePort(), services: await servicePorts(() => freePort()) },
    databaseUrl: baseUrl.replace(/\/[^/]+$/, `/${database}`),
    natsUrl,
    s3: { endpoint: s3.endpoint, bucket: s3.bucket, accessKey: s3.accessKey, secretKey: s3.secretKey },
    secrets: {
      adminPassword: 'admin-e2e-password',
      adminApiKey: randomBytes(24).toString('base64url'),
      jwtSecret: randomBytes(32).toString('base64url'),
      secretsKey: randomBytes(32).toString('base64'),
    },
    env: {
      LOG_LEVEL: 'warn',
      PLATFORM_ENGINE_THREADS: '1',
      PLATFORM_ENGINE_LOG_LEVEL: 'warn',
      // As in the embedded default: fixtures fetch their documents from repositories on this machine. Specs of the
      // refusal pass PLATFORM_ALLOW_PRIVATE_GIT: 'false'.
      PLATFORM_ALLOW_PRIVATE_GIT: 'true',
      // Platforms share the NATS server: each gets its own event stream and work queues, so no service consumes
      // another platform's events or jobs.
      PLATFORM_EVENTS_STREAM: events.stream,
      PLATFORM_EVENTS_PREFIX: events.prefix,
      PLATFORM_SDG_JOBS_STREAM: `E2E_JOBS_SDG_${database}`,
      PLATFORM_SDG_JOBS_SUBJECT_PREFIX: `e2e.${database}.jobs`,
      PLATFORM_TRAINING_JOBS_STREAM: `E2E_JOBS_TRAINING_${database}`,
      PLATFORM_TRAINING_JOBS_PREFIX: `e2e.${database}.training-jobs`,
      PLATFORM_DEPLOYMENT_JOBS_STREAM: `E2E_JOBS_DEPLOYMENT_${database}`,
      PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX: `e2e.${database}.deployment-jobs`,
      PLATFORM_DOCUMENTS_JOBS_STREAM: `E2E_JOBS_DOCUMENTS_${database}`,
      PLATFORM_DOCUMENTS_JOBS_PREFIX: `e2e.${database}.documents-jobs`,
      ...o.env,
    },
  };
  // Both given: one engine server serves the two models (e.g. the starter model's embeddings and the tiny model's
  // longer context for tool prompts).
  const engineModels: string[] = [];
  if (o.starterModel) engineModels.push(`${join(WORKSPACE_ROOT, 'models/starter')}:${o.starterModel}`);
  if (o.engineModel) {
    const modelDir = join(dataDir, 'models', 'tiny');
    writeTinyModel(modelDir, E2E_TINY_MODEL);
    if (o.engineModelConfig) {
      const configPath = join(modelDir, 'config.json');
      writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), ...o.engineModelConfig }));
    }
    engineModels.push(`${modelDir}:${o.engineModel}`);
  }
  if (engineModels.length) options.engine = { port: await freePort(), models: engineModels.join(',') };
  if (o.engineModel && options.engine && o.extraBackends)
    options.env = {
      ...options.env,
      PLATFORM_INFERENCE_BACKENDS: JSON.stringify([`http://127.0.0.1:${options.engine.port}`, ...o.extraBackends].map((url) => ({ url }))),
      PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '200',
    };
  up.set(dataDir, database);
  let running: RunningPlatform = await startPlatform(options);
  const url = running.gatewayUrl;
  return {
    url,
    secrets: options.secrets,
    events,
    api: new Api(url, options.secrets),
    options,
    processes: () => running.processes,
    restart: async () => {
      await running.stop();
      running = await startPlatform(options);
    },
    stop: async () => {
      await running.stop();
      up.delete(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
