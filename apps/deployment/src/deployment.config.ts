import {
  defineConfig,
  enumSetting,
  intSetting,
  jsonSetting,
  listSetting,
  optionalSetting,
  stringSetting,
  type ConfigOf,
} from '@platform/common';
import { podSpecPatch } from './replicas/kubernetes/pod-spec-patch';

/** The deployment service's settings, read once at start-up. */
export const DeploymentConfig = defineConfig('deployment', {
  /** The keepers' work queue; test platforms sharing one NATS server each use their own stream and subjects. */
  queue: {
    stream: stringSetting('PLATFORM_DEPLOYMENT_JOBS_STREAM', { default: 'PLATFORM_JOBS_DEPLOYMENT' }),
    subjectPrefix: stringSetting('PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX', { default: 'platform.jobs' }),
    durable: stringSetting('PLATFORM_DEPLOYMENT_JOBS_DURABLE', { default: 'deployment-keepers' }),
  },
  keeper: {
    /** Deployments whose replicas this process keeps at once; 0 makes an API-only instance. */
    concurrency: intSetting('PLATFORM_DEPLOYMENT_KEEPERS', { default: 64 }),
    leaseMs: intSetting('PLATFORM_DEPLOYMENT_LEASE_MS', { default: 30_000, min: 1 }),
    heartbeatMs: intSetting('PLATFORM_DEPLOYMENT_HEARTBEAT_MS', { default: 2_000, min: 1 }),
    ackWaitMs: intSetting('PLATFORM_DEPLOYMENT_ACK_WAIT_MS', { default: 30_000, min: 1 }),
    maxAttempts: intSetting('PLATFORM_DEPLOYMENT_MAX_ATTEMPTS', { default: 20, min: 1 }),
    /** How often a keeper compares its replicas with the deployment's desired state and probes them. */
    tickMs: intSetting('PLATFORM_DEPLOYMENT_TICK_MS', { default: 1_000, min: 10 }),
    /** A replica that does not answer its health check in this long failed to start. */
    startTimeoutMs: intSetting('PLATFORM_DEPLOYMENT_START_TIMEOUT_MS', { default: 300_000, min: 1 }),
    /** How long a replica that leaves rotation (swap, scale down, delete) may finish its running requests. */
    drainTimeoutMs: intSetting('PLATFORM_DEPLOYMENT_DRAIN_TIMEOUT_MS', { default: 600_000, min: 0 }),
    /** Restart back-off of a crashed replica: doubles from min to max. */
    restartMinMs: intSetting('PLATFORM_DEPLOYMENT_RESTART_MIN_MS', { default: 1_000, min: 1 }),
    restartMaxMs: intSetting('PLATFORM_DEPLOYMENT_RESTART_MAX_MS', { default: 60_000, min: 1 }),
    /** Failed starts in a row after which the deployment is `failed`. */
    maxFailedStarts: intSetting('PLATFORM_DEPLOYMENT_MAX_FAILED_STARTS', { default: 5, min: 1 }),
    /** Temporary deployments not renewed for this long are deleted (when the request names no lease). */
    temporaryLeaseMs: intSetting('PLATFORM_DEPLOYMENT_TEMPORARY_LEASE_MS', { default: 300_000, min: 1_000 }),
  },
  /** Where replicas run: engine-server child processes, vLLM/TGI on Kubernetes, or endpoints an operator runs. */
  replicas: enumSetting('PLATFORM_DEPLOYMENT_REPLICAS', ['process', 'kubernetes', 'external'], { default: 'process' }),
  process: {
    /** Threads of each engine-server replica. */
    engineThreads: intSetting('PLATFORM_DEPLOYMENT_ENGINE_THREADS', { default: 1, min: 1 }),
    engineLogLevel: stringSetting('PLATFORM_ENGINE_LOG_LEVEL', { default: 'warn' }),
    /** What the inference service dials to reach the replicas: this host here; in a pod, its IP (downward API). */
    advertiseHost: stringSetting('PLATFORM_ADVERTISE_HOST', { default: '127.0.0.1' }),
    /** Downloaded weights and replica logs; default `<PLATFORM_DATA_DIR or the OS temp dir>/deployments`. */
    workDir: optionalSetting('PLATFORM_DEPLOYMENT_WORK_DIR'),
    dataDir: optionalSetting('PLATFORM_DATA_DIR'),
  },
  /** `kubernetes`: one Deployment + Service per replica in `namespace` (see deploy/README.md, "Deployments"). */
  kubernetes: {
    namespace: stringSetting('PLATFORM_DEPLOYMENT_K8S_NAMESPACE', { default: 'default' }),
    /** The model server of GPU specs; PLATFORM-CPU replicas run the platform's own engine server (`engineImage`). */
    server: enumSetting('PLATFORM_DEPLOYMENT_K8S_SERVER', ['vllm', 'tgi'], { default: 'vllm' }),
    vllmImage: stringSetting('PLATFORM_DEPLOYMENT_K8S_VLLM_IMAGE', { default: 'vllm/vllm-openai:v0.11.0' }),
    tgiImage: stringSetting('PLATFORM_DEPLOYMENT_K8S_TGI_IMAGE', { default: 'ghcr.io/huggingface/text-generation-inference:3.3.5' }),
    /** The platform image (the repository's Dockerfile), for engine-server replicas. */
    engineImage: stringSetting('PLATFORM_DEPLOYMENT_K8S_ENGINE_IMAGE', { default: 'registry.example.com/llm-platform:1.0' }),
    /** The init container copying the model from the bucket (`aws s3 cp`). */
    initImage: stringSetting('PLATFORM_DEPLOYMENT_K8S_INIT_IMAGE', { default: 'amazon/aws-cli:2.17.0' }),
    /** The Secret with the PLATFORM_S3_* keys the init container reads (the trainer Jobs' platform-s3). */
    s3Secret: stringSetting('PLATFORM_DEPLOYMENT_K8S_S3_SECRET', { default: 'platform-s3' }),
    /** The replica pods' service account; empty: the namespace's default. */
    serviceAccount: stringSetting('PLATFORM_DEPLOYMENT_K8S_SERVICE_ACCOUNT', { default: '' }),
    /** Image pull, model copy and weight loading together; past it the replica failed to start. */
    startTimeoutMs: intSetting('PLATFORM_DEPLOYMENT_K8S_START_TIMEOUT_MS', { default: 1_800_000, min: 1_000 }),
    pollMs: intSetting('PLATFORM_DEPLOYMENT_K8S_POLL_MS', { default: 2_000, min: 1 }),
    /** Merged into every replica's pod spec (JSON): node selectors, tolerations, image pull secrets, … */
    podSpecPatch: jsonSetting('PLATFORM_DEPLOYMENT_K8S_POD_SPEC_PATCH', podSpecPatch, { default: {} }),
    /** More model-server flags, comma-separated (`--gpu-memory-utilization=0.85,--enable-prefix-caching`). */
    serverArgs: listSetting('PLATFORM_DEPLOYMENT_K8S_SERVER_ARGS'),
  },
  /**
   * `external`: `[{"model_id","url","adapter":"openai"|"tgi","backend_model"}]`: running servers an operator
   * registers; a deployment of the custom foundation model `model_id` routes to its endpoint.
   */
  externalEndpoints: optionalSetting('PLATFORM_DEPLOYMENT_EXTERNAL_ENDPOINTS'),
  /** The model store: custom foundation models are Hugging Face style directories under this bucket prefix. */
  modelStorePrefix: stringSetting('PLATFORM_MODEL_STORE_PREFIX', { default: 'custom_models/' }),
});
export type DeploymentConfig = ConfigOf<typeof DeploymentConfig>;
