import { isAbsolute, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { PlatformError } from '@platform/common';
import { eventsStream, eventsSubjectPrefix } from '@platform/events';
import { EXECUTOR_KINDS, type ExecutorKind } from './executors/executor';
import { JOBS_SUBJECT_PREFIX } from './training-events';

export type Env = Readonly<Record<string, string | undefined>>;

export interface BaseModel {
  /** The name jobs report as `base_model`. */
  name: string;
  /** Engine-loadable directory (config.json, tokenizer files, model.safetensors). */
  dir: string;
}

export interface TrainingConfig {
  executor: ExecutorKind;
  baseModel: BaseModel;
  /** Scratch space for staged data, models and checkpoints; wiped per run attempt. */
  workDir: string;
  eventsPrefix: string;
  eventsStream: string;
  jobsPrefix: string;
  jobsStream: string;
  /** Prefix of the durable consumer names (job queue, evaluation results); one per platform sharing a NATS. */
  durablePrefix: string;
  /** Job-queue ack wait: how long after a worker's death its job is handed to another one. */
  jobAckWaitMs: number;
  /** Jobs one process trains at once; 0 runs the API only. */
  workerConcurrency: number;
  /** How long an evaluation verdict for a job still training waits before it is looked at again. */
  evaluationRetryMs: number;
  /** Heartbeat of a running job's lease; also how soon a cancel is noticed when its notice is missed. */
  cancelPollMs: number;
  /** How long a running job's lease holds without a heartbeat: after a worker's death, another resumes it then. */
  leaseMs: number;
  /** Claims of one job (crashes, shutdowns) before it fails with "gave up after N attempts". */
  maxAttempts: number;
  /** Threads of the built-in trainer. */
  builtinThreads: number;
  /** The process executor's command template. */
  processCommand: string;
  kubernetes: KubernetesSettings;
}

export interface KubernetesSettings {
  namespace: string;
  image: string;
  serviceAccount: string;
  /** Secret with PLATFORM_S3_* keys for the pod. */
  s3Secret: string;
  cpu: string;
  memory: string;
  gpus: number;
  pollMs: number;
  /** Extra fields merged into the Job's pod template spec (JSON), e.g. node selectors and tolerations. */
  podSpecPatch: string;
}

const WORKSPACE = resolve(__dirname, '../../..');
export const DEFAULT_BASE_MODEL: BaseModel = { name: 'platform/starter-llama', dir: join(WORKSPACE, 'models/starter') };

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** `<dir>[:<name>]`, as PLATFORM_ENGINE_MODELS names a served model. */
export function parseBaseModel(raw: string | undefined): BaseModel {
  if (!raw) return DEFAULT_BASE_MODEL;
  const at = raw.lastIndexOf(':');
  const dir = at > 0 ? raw.slice(0, at) : raw;
  const name = at > 0 ? raw.slice(at + 1) : (dir.split('/').filter(Boolean).at(-1) ?? dir);
  return { dir: isAbsolute(dir) ? dir : join(WORKSPACE, dir), name };
}

export function loadTrainingConfig(env: Env = process.env): TrainingConfig {
  const executor = (env.PLATFORM_TRAINING_EXECUTOR || 'builtin') as ExecutorKind;
  if (!EXECUTOR_KINDS.includes(executor))
    throw new Error(`PLATFORM_TRAINING_EXECUTOR must be one of ${EXECUTOR_KINDS.join(', ')}, got "${executor}"`);
  return {
    executor,
    baseModel: parseBaseModel(env.PLATFORM_TRAINING_BASE_MODEL),
    workDir: env.PLATFORM_TRAINING_WORK_DIR || join(env.PLATFORM_DATA_DIR ? resolve(env.PLATFORM_DATA_DIR) : tmpdir(), 'training-work'),
    eventsPrefix: eventsSubjectPrefix(env),
    eventsStream: eventsStream(env),
    jobsPrefix: env.PLATFORM_TRAINING_JOBS_PREFIX || JOBS_SUBJECT_PREFIX,
    jobsStream: env.PLATFORM_TRAINING_JOBS_STREAM || 'PLATFORM_JOBS_TRAINING',
    durablePrefix: env.PLATFORM_TRAINING_DURABLE_PREFIX || 'training',
    jobAckWaitMs: int(env, 'PLATFORM_TRAINING_JOB_ACK_WAIT_MS', 60_000),
    workerConcurrency: int(env, 'PLATFORM_TRAINING_WORKERS', 1),
    cancelPollMs: int(env, 'PLATFORM_TRAINING_CANCEL_POLL_MS', 500),
    leaseMs: int(env, 'PLATFORM_TRAINING_LEASE_MS', 30_000),
    maxAttempts: int(env, 'PLATFORM_TRAINING_MAX_ATTEMPTS', 20),
    evaluationRetryMs: int(env, 'PLATFORM_TRAINING_EVALUATION_RETRY_MS', 15_000),
    builtinThreads: Math.max(1, int(env, 'PLATFORM_TRAINING_THREADS', 1)),
    processCommand: env.PLATFORM_TRAINING_PROCESS_COMMAND ?? '',
    kubernetes: {
      namespace: env.PLATFORM_TRAINING_K8S_NAMESPACE || 'default',
      image: env.PLATFORM_TRAINING_K8S_IMAGE || 'ghcr.io/llm-platform/trainer:latest',
      serviceAccount: env.PLATFORM_TRAINING_K8S_SERVICE_ACCOUNT || '',
      s3Secret: env.PLATFORM_TRAINING_K8S_S3_SECRET || 'platform-s3',
      cpu: env.PLATFORM_TRAINING_K8S_CPU || '4',
      memory: env.PLATFORM_TRAINING_K8S_MEMORY || '16Gi',
      gpus: int(env, 'PLATFORM_TRAINING_K8S_GPUS', 0),
      pollMs: int(env, 'PLATFORM_TRAINING_K8S_POLL_MS', 5000),
      podSpecPatch: env.PLATFORM_TRAINING_K8S_POD_SPEC_PATCH ?? '',
    },
  };
}

/**
 * The API's `base_model` (seed: `^[a-z0-9-]+$`, e.g. `granite-7b`): the catalog name without its provider, folded to
 * that alphabet. `platform/starter-llama` → `starter-llama`.
 */
export function baseModelLabel(name: string): string {
  return (name.split('/').at(-1) ?? name)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 100);
}

/** A request's base model must be the one this deployment trains (empty: that one), by catalog name or API label. */
export function checkBaseModel(config: TrainingConfig, requested: string): string {
  if (requested === '' || requested === config.baseModel.name || requested === baseModelLabel(config.baseModel.name))
    return config.baseModel.name;
  throw PlatformError.invalid(`base_model "${requested}" is not available; this platform trains "${config.baseModel.name}".`, 'base_model');
}
