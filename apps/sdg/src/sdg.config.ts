import { boolSetting, defineConfig, enumSetting, intSetting, optionalSetting, stringSetting, type ConfigOf } from '@platform/common';
import { DEFAULT_SYSTEM_PROMPT } from './output/write-dataset';
import { DEFAULT_PIPELINES_DIR } from './pipelines/load-pipelines';
import { MODEL_FAMILIES } from './teacher/model-family';

/** The SDG service's settings, read once at start-up. */
export const SdgConfig = defineConfig('sdg', {
  /** A process that only runs jobs from the queue (no gRPC API), with /health and /metrics. */
  workerOnly: boolSetting('PLATFORM_SDG_WORKER_ONLY', { default: false }),
  /** Teacher and judge when a job names none; unset, the catalog's first generating model (the judge: the teacher). */
  models: {
    teacher: optionalSetting('PLATFORM_SDG_TEACHER_MODEL'),
    judge: optionalSetting('PLATFORM_SDG_JUDGE_MODEL'),
  },
  /** The work queue; test platforms sharing one NATS server each use their own stream and subjects. */
  queue: {
    stream: stringSetting('PLATFORM_SDG_JOBS_STREAM', { default: 'PLATFORM_JOBS_SDG' }),
    subjectPrefix: stringSetting('PLATFORM_SDG_JOBS_SUBJECT_PREFIX', { default: 'platform.jobs' }),
    durable: stringSetting('PLATFORM_SDG_JOBS_DURABLE', { default: 'sdg-workers' }),
  },
  worker: {
    /** Jobs run at once in this process; 0 makes an API-only instance. */
    concurrency: intSetting('PLATFORM_SDG_WORKERS', { default: 1 }),
    leaseMs: intSetting('PLATFORM_SDG_LEASE_MS', { default: 30_000, min: 1 }),
    heartbeatMs: intSetting('PLATFORM_SDG_HEARTBEAT_MS', { default: 2_000, min: 1 }),
    maxAttempts: intSetting('PLATFORM_SDG_MAX_ATTEMPTS', { default: 20, min: 1 }),
    /** Ack wait of the job queue: how soon a job whose worker died is handed to another one (with its lease expired). */
    ackWaitMs: intSetting('PLATFORM_SDG_ACK_WAIT_MS', { default: 30_000, min: 1 }),
  },
  generation: {
    /** InstructLab's sdg_scale_factor default: what `n: scaled` asks per seed example. */
    numInstructions: intSetting('PLATFORM_SDG_NUM_INSTRUCTIONS', { default: 30, min: 1 }),
    batchSize: intSetting('PLATFORM_SDG_BATCH_SIZE', { default: 8, min: 1 }),
    /** Teacher calls in flight per job: twice an engine server's default batch (32 sequences). */
    concurrency: intSetting('PLATFORM_SDG_CONCURRENCY', { default: 64, min: 1 }),
    /** The chat markup of the teacher's prompts; unset, guessed from the model id. */
    modelFamily: enumSetting('PLATFORM_SDG_MODEL_FAMILY', [...MODEL_FAMILIES, ''] as const, { default: '' }),
    systemPrompt: stringSetting('PLATFORM_SDG_SYSTEM_PROMPT', { default: DEFAULT_SYSTEM_PROMPT }),
    /** A folder with replacements for the four built-in pipeline definitions. */
    pipelinesDir: stringSetting('PLATFORM_SDG_PIPELINES_DIR', { default: DEFAULT_PIPELINES_DIR }),
  },
});
export type SdgConfig = ConfigOf<typeof SdgConfig>;
export type GenerationSettings = SdgConfig['generation'];

/** The settings of an unconfigured process: the defaults above (benches and tests). */
export const defaultSdgConfig = (): SdgConfig => SdgConfig.load({});
