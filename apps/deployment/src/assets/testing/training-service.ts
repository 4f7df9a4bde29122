import { randomUUID } from 'node:crypto';
import { freePort } from '@platform/infra';
import { startServiceProcess } from '@platform/test-fixtures';
import { Client } from 'pg';

export interface TrainingServiceChild {
  grpcUrl: string;
  stop(): Promise<void>;
}

/**
 * The real training service (API only: no workers) from its TypeScript entry, on free ports; `env` names its
 * database, NATS, bucket and the spec's own event and job streams.
 */
export async function startTrainingService(env: NodeJS.ProcessEnv): Promise<TrainingServiceChild> {
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  const opsPort = await freePort();
  const service = await startServiceProcess(
    'training',
    { ...env, PLATFORM_TRAINING_WORKERS: '0', PLATFORM_TRAINING_GRPC_URL: grpcUrl, PLATFORM_TRAINING_OPS_PORT: String(opsPort) },
    opsPort,
    { timeoutMs: 150_000 },
  );
  return { grpcUrl, stop: service.stop };
}

/** The resolved hyperparameters a job row holds (the training service's own shape). */
const HYPERPARAMETERS = {
  mode: 'full',
  phase1: { epochs: 1, learningRate: 1e-3 },
  phase2: { epochs: 1, learningRate: 5e-4 },
  batchSize: 4,
  maxSeqLen: 256,
  loraRank: 8,
  loraAlpha: 16,
  warmupSteps: 0,
  seed: 42,
};

/** A training job row as the training worker leaves it (the training service's own table). */
export async function seedModelJob(
  databaseUrl: string,
  o: { projectId: string; status: 'completed' | 'running' | 'failed'; baseModel?: string },
): Promise<string> {
  const id = randomUUID();
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO training.model_jobs (id, project_id, name, base_model, data_id, taxonomy_id, status, state, created_by, executor,
         hyperparameters, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 'test', 'builtin', $8, CASE WHEN $7 = 'running' THEN NULL ELSE now() END)`,
      [
        id,
        o.projectId,
        `job-${id.slice(0, 8)}`,
        o.baseModel ?? 'ibm-granite/granite-7b-lab',
        randomUUID(),
        randomUUID(),
        o.status,
        JSON.stringify(HYPERPARAMETERS),
      ],
    );
  } finally {
    await c.end();
  }
  return id;
}

/** A tuning's settings as the training service stores them (resolved). */
const TUNING_SETTINGS = {
  method: 'prompt_tuning',
  objective: 'sft',
  numEpochs: 1,
  learningRate: 0.3,
  batchSize: 4,
  accumulateSteps: 1,
  maxInputTokens: 64,
  maxOutputTokens: 16,
  maxSeqLength: 128,
  verbalizer: 'Input: {{input}} Output:',
  responseTemplate: '',
  initMethod: 'random',
  initText: '',
  numVirtualTokens: 8,
  loraRank: 8,
  loraAlpha: 16,
  loraDropout: 0,
  loraTargetModules: [],
  loraMlp: false,
  dpoBeta: 0.1,
  weightDecay: 0,
  seed: 42,
  taskId: 'classification',
};

/**
 * A tuning row as the training worker leaves it: `status` completed, or running in `state` pending | running |
 * storing; `resultPrefix` is set once its model is published (the worker's auto_update_model runs while storing).
 */
export async function seedTuning(
  databaseUrl: string,
  o: {
    kind: 'fine_tuning' | 'prompt_tuning' | 'post_training';
    projectId?: string;
    spaceId?: string;
    status: 'completed' | 'running' | 'failed';
    state?: 'pending' | 'running' | 'storing';
    resultPrefix: string;
    baseModel?: string;
  },
): Promise<string> {
  const id = randomUUID();
  const tuning = {
    settings: { ...TUNING_SETTINGS, method: o.kind === 'prompt_tuning' ? 'prompt_tuning' : 'full' },
    trainingDataReferences: [],
    testDataReferences: [],
    resultsReference: null,
    custom: null,
    autoUpdateModel: true,
    metrics: [],
    modelAssetId: '',
    resultsAssetId: randomUUID(),
    jobUuid: o.kind === 'post_training' ? `job-${id.slice(0, 8)}` : '',
    datasetId: '',
    validationDatasetId: '',
    resultPrefix: o.resultPrefix,
    startModelPrefix: '',
  };
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO training.model_jobs (id, kind, project_id, space_id, name, base_model, taxonomy_id, status, state, created_by, executor,
         hyperparameters, tuning, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, 'test', 'builtin', $9, $10, CASE WHEN $7 = 'running' THEN NULL ELSE now() END)`,
      [
        id,
        o.kind,
        o.projectId ?? null,
        o.spaceId ?? null,
        `tuning-${id.slice(0, 8)}`,
        o.baseModel ?? 'platform/starter-llama',
        o.status,
        o.state ?? (o.status === 'running' ? 'running' : o.status),
        JSON.stringify(HYPERPARAMETERS),
        JSON.stringify(tuning),
      ],
    );
  } finally {
    await c.end();
  }
  return id;
}
