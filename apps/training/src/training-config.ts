import { isAbsolute, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { cpuBudget } from '@platform/common/cpu-budget';
import {
  PlatformError,
  customSetting,
  defineConfig,
  enumSetting,
  intSetting,
  optionalSetting,
  stringSetting,
  type EnvSource,
} from '@platform/common';
import { eventsStream, eventsSubjectPrefix } from '@platform/events';
import { DATASET_SETTINGS, datasetSettings, type DatasetSettings } from './datasets/dataset-settings';
import { EXECUTOR_KINDS, type ExecutorKind } from './executors/executor';
import { JOBS_SUBJECT_PREFIX } from './training-events';

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
  /** Where Llama Stack dataset rows may be read from (datasets/dataset-settings.ts). */
  datasets: DatasetSettings;
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

/** `<dir>[:<name>]`, as PLATFORM_ENGINE_MODELS names a served model. */
export function parseBaseModel(raw: string | undefined): BaseModel {
  if (!raw) return DEFAULT_BASE_MODEL;
  const at = raw.lastIndexOf(':');
  const dir = at > 0 ? raw.slice(0, at) : raw;
  const name = at > 0 ? raw.slice(at + 1) : (dir.split('/').filter(Boolean).at(-1) ?? dir);
  return { dir: isAbsolute(dir) ? dir : join(WORKSPACE, dir), name };
}

/** The events settings are libs/events' own (PLATFORM_EVENTS_PREFIX / _STREAM and their defaults). */
const eventsSetting = (variable: 'PLATFORM_EVENTS_PREFIX' | 'PLATFORM_EVENTS_STREAM') =>
  customSetting(variable, (raw) => (variable === 'PLATFORM_EVENTS_PREFIX' ? eventsSubjectPrefix : eventsStream)({ [variable]: raw }));

/** The training service's settings, read once at start-up. */
export const TrainingSettings = defineConfig(
  'training',
  {
    executor: enumSetting('PLATFORM_TRAINING_EXECUTOR', EXECUTOR_KINDS, { default: 'builtin' }),
    baseModel: customSetting('PLATFORM_TRAINING_BASE_MODEL', parseBaseModel),
    workDir: optionalSetting('PLATFORM_TRAINING_WORK_DIR'),
    dataDir: optionalSetting('PLATFORM_DATA_DIR'),
    eventsPrefix: eventsSetting('PLATFORM_EVENTS_PREFIX'),
    eventsStream: eventsSetting('PLATFORM_EVENTS_STREAM'),
    jobsPrefix: stringSetting('PLATFORM_TRAINING_JOBS_PREFIX', { default: JOBS_SUBJECT_PREFIX }),
    jobsStream: stringSetting('PLATFORM_TRAINING_JOBS_STREAM', { default: 'PLATFORM_JOBS_TRAINING' }),
    durablePrefix: stringSetting('PLATFORM_TRAINING_DURABLE_PREFIX', { default: 'training' }),
    jobAckWaitMs: intSetting('PLATFORM_TRAINING_JOB_ACK_WAIT_MS', { default: 60_000 }),
    workerConcurrency: intSetting('PLATFORM_TRAINING_WORKERS', { default: 1 }),
    cancelPollMs: intSetting('PLATFORM_TRAINING_CANCEL_POLL_MS', { default: 500 }),
    leaseMs: intSetting('PLATFORM_TRAINING_LEASE_MS', { default: 30_000 }),
    maxAttempts: intSetting('PLATFORM_TRAINING_MAX_ATTEMPTS', { default: 20 }),
    evaluationRetryMs: intSetting('PLATFORM_TRAINING_EVALUATION_RETRY_MS', { default: 15_000 }),
    // The built-in trainer uses every core unless told otherwise (data parallelism over worker threads).
    builtinThreads: intSetting('PLATFORM_TRAINING_THREADS', { default: cpuBudget() }),
    processCommand: stringSetting('PLATFORM_TRAINING_PROCESS_COMMAND', { default: '' }),
    kubernetes: {
      namespace: stringSetting('PLATFORM_TRAINING_K8S_NAMESPACE', { default: 'default' }),
      image: stringSetting('PLATFORM_TRAINING_K8S_IMAGE', { default: 'ghcr.io/llm-platform/trainer:latest' }),
      serviceAccount: stringSetting('PLATFORM_TRAINING_K8S_SERVICE_ACCOUNT', { default: '' }),
      s3Secret: stringSetting('PLATFORM_TRAINING_K8S_S3_SECRET', { default: 'platform-s3' }),
      cpu: stringSetting('PLATFORM_TRAINING_K8S_CPU', { default: '4' }),
      memory: stringSetting('PLATFORM_TRAINING_K8S_MEMORY', { default: '16Gi' }),
      gpus: intSetting('PLATFORM_TRAINING_K8S_GPUS', { default: 0 }),
      pollMs: intSetting('PLATFORM_TRAINING_K8S_POLL_MS', { default: 5000 }),
      podSpecPatch: stringSetting('PLATFORM_TRAINING_K8S_POD_SPEC_PATCH', { default: '' }),
    },
    datasets: DATASET_SETTINGS,
  },
  ({ workDir, dataDir, builtinThreads, kubernetes, datasets, ...rest }): TrainingConfig => ({
    ...rest,
    workDir: workDir ?? join(dataDir ? resolve(dataDir) : tmpdir(), 'training-work'),
    builtinThreads: Math.max(1, builtinThreads),
    kubernetes: { ...kubernetes },
    datasets: datasetSettings(datasets),
  }),
);

export const loadTrainingConfig = (env?: EnvSource): TrainingConfig => TrainingSettings.load(env);

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
