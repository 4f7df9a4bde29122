import { createHash } from 'node:crypto';
import type { V1Container, V1Deployment, V1EnvVar, V1Service } from '@kubernetes/client-node';
import { TGI_LOAD_GAUGES, VLLM_LOAD_GAUGES } from '@platform/common';
import type { DeploymentConfig } from '../../deployment.config';
import type { ReplicaSpec } from '../replica-manager';

export type KubernetesSettings = DeploymentConfig['kubernetes'];
/** What a replica's pod runs: vLLM or TGI on GPUs, the platform's engine server for the CPU spec. */
export type ServerKind = 'vllm' | 'tgi' | 'engine';
/** The `/metrics` gauges whose sum is a server's running + waiting requests (the engine server exports vLLM's). */
export const LOAD_GAUGES: Record<ServerKind, readonly string[]> = {
  vllm: VLLM_LOAD_GAUGES,
  engine: VLLM_LOAD_GAUGES,
  tgi: TGI_LOAD_GAUGES,
};

/** Every server listens here; the Service exposes the same port. */
export const SERVER_PORT = 8000;
/** Where the init container puts the model and the server reads it. */
export const MODEL_DIR = '/models/model';
export const FETCH_CONTAINER = 'fetch-model';
export const SERVER_CONTAINER = 'server';

export const LABEL_REPLICA = 'platform/replica-id';
export const LABEL_DEPLOYMENT = 'platform/deployment-id';
export const LABEL_REV = 'platform/deployment-rev';

export function serverKind(spec: ReplicaSpec, k: KubernetesSettings): ServerKind {
  return spec.hardware.gpus > 0 ? k.server : 'engine';
}

/**
 * The Deployment's and the Service's name: derived from the replica id alone, so a keeper that restarts finds them
 * again. A DNS-1035 label (a Service name must start with a letter); an id that does not fit is hashed.
 */
export function replicaName(replicaId: string): string {
  const name = `replica-${replicaId}`;
  return /^[a-z0-9-]+$/.test(replicaId) && !name.endsWith('-') && name.length <= 63
    ? name
    : `replica-${createHash('sha256').update(replicaId).digest('hex').slice(0, 40)}`;
}

export function replicaLabels(spec: ReplicaSpec): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'model-server',
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/part-of': 'llm-platform',
    'app.kubernetes.io/managed-by': 'deployment-service',
    [LABEL_REPLICA]: spec.replicaId,
    [LABEL_DEPLOYMENT]: spec.deploymentId,
    [LABEL_REV]: String(spec.rev),
  };
}

/** The in-cluster address of the replica's Service. */
export function serviceUrl(name: string, namespace: string): string {
  return `http://${name}.${namespace}.svc:${SERVER_PORT}`;
}

/** Whole CPUs of a limit such as "2" or "1500m", at least 1: the engine server's matmul threads. */
function cpuCount(quantity: string): number {
  const n = quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
  return Number.isFinite(n) ? Math.max(1, Math.floor(n)) : 1;
}

function serverContainer(spec: ReplicaSpec, k: KubernetesSettings): V1Container {
  const gpus = spec.hardware.gpus;
  const len = spec.maxSequenceLength;
  const requests: Record<string, string> = { cpu: spec.hardware.cpuRequest, memory: spec.hardware.memory };
  const limits: Record<string, string> = { cpu: spec.hardware.cpuLimit, memory: spec.hardware.memory };
  if (gpus > 0) requests['nvidia.com/gpu'] = limits['nvidia.com/gpu'] = String(gpus);
  const kind = serverKind(spec, k);
  let image: string;
  let command: string[] | undefined;
  let args: string[];
  let env: V1EnvVar[] = [];
  if (kind === 'vllm') {
    image = k.vllmImage;
    // The module entry point takes --model in every vLLM release (`vllm serve`, the newer images' entry point, wants it positional).
    command = ['python3', '-m', 'vllm.entrypoints.openai.api_server'];
    args = [`--model=${MODEL_DIR}`, `--served-model-name=${spec.servedModelName}`, '--host=0.0.0.0', `--port=${SERVER_PORT}`];
    if (gpus > 1) args.push(`--tensor-parallel-size=${gpus}`);
    if (len) args.push(`--max-model-len=${len}`);
    env = [{ name: 'HF_HUB_OFFLINE', value: '1' }];
  } else if (kind === 'tgi') {
    image = k.tgiImage;
    // TGI serves one model, so the request's `model` is cosmetic; --hostname because Kubernetes sets HOSTNAME, which TGI would bind.
    args = [`--model-id=${MODEL_DIR}`, '--hostname=0.0.0.0', `--port=${SERVER_PORT}`];
    if (gpus > 1) args.push(`--num-shard=${gpus}`);
    if (len) args.push(`--max-total-tokens=${len}`, `--max-input-tokens=${Math.max(1, len - 1)}`);
    env = [{ name: 'HF_HUB_OFFLINE', value: '1' }];
  } else {
    image = k.engineImage;
    command = ['node', '-r', '@swc-node/register', 'apps/engine-server/src/main.ts'];
    args = [`--model=${MODEL_DIR}:${spec.servedModelName}`, '--host=0.0.0.0', `--port=${SERVER_PORT}`];
    args.push(`--threads=${cpuCount(spec.hardware.cpuLimit)}`);
    if (len) args.push(`--max-model-len=${len}`);
  }
  // Operators' flags are vLLM's or TGI's; the engine server refuses flags it does not know.
  if (kind !== 'engine') args.push(...k.serverArgs);
  const period = 10;
  return {
    name: SERVER_CONTAINER,
    image,
    ...(command ? { command } : {}),
    args,
    ...(env.length ? { env } : {}),
    ports: [{ name: 'http', containerPort: SERVER_PORT }],
    // Weights load for minutes: the startup probe allows the whole start timeout, then readiness takes over.
    startupProbe: {
      httpGet: { path: '/health', port: 'http' },
      periodSeconds: period,
      failureThreshold: Math.max(1, Math.ceil(k.startTimeoutMs / 1000 / period)),
    },
    readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
    resources: { requests, limits },
    volumeMounts: [
      { name: 'model', mountPath: '/models' },
      { name: 'shm', mountPath: '/dev/shm' },
    ],
  };
}

/** The bucket's settings from the platform's Secret, never copied into the manifest. */
const fromSecret = (secret: string, name: string, key: string, optional = false): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key, ...(optional ? { optional } : {}) } },
});

/**
 * Copies the model prefix into the shared volume with the AWS CLI, path-style as the platform's own client does, and
 * fails (the pod never starts its server) when the prefix holds no config.json. The prefix reaches the script as a
 * variable, never as shell text.
 */
const FETCH_SCRIPT = [
  `printf '[default]\\nregion = %s\\ns3 =\\n  addressing_style = path\\n' "\${AWS_REGION:-us-east-1}" > /tmp/aws-config`,
  `aws s3 cp --recursive --no-progress --endpoint-url "$S3_ENDPOINT" "s3://$S3_BUCKET/$MODEL_PREFIX" ${MODEL_DIR}`,
  `test -f ${MODEL_DIR}/config.json || { echo "no config.json under s3://$S3_BUCKET/$MODEL_PREFIX" >&2; exit 1; }`,
].join('\n');

function fetchContainer(spec: ReplicaSpec, k: KubernetesSettings): V1Container {
  return {
    name: FETCH_CONTAINER,
    image: k.initImage,
    command: ['/bin/sh', '-ec', FETCH_SCRIPT],
    env: [
      { name: 'MODEL_PREFIX', value: spec.modelPrefix },
      { name: 'AWS_CONFIG_FILE', value: '/tmp/aws-config' },
      fromSecret(k.s3Secret, 'S3_ENDPOINT', 'PLATFORM_S3_ENDPOINT'),
      fromSecret(k.s3Secret, 'S3_BUCKET', 'PLATFORM_S3_BUCKET'),
      fromSecret(k.s3Secret, 'AWS_REGION', 'PLATFORM_S3_REGION', true),
      fromSecret(k.s3Secret, 'AWS_ACCESS_KEY_ID', 'PLATFORM_S3_ACCESS_KEY'),
      fromSecret(k.s3Secret, 'AWS_SECRET_ACCESS_KEY', 'PLATFORM_S3_SECRET_KEY'),
    ],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    volumeMounts: [{ name: 'model', mountPath: '/models' }],
  };
}

/**
 * One replica: an apps/v1 Deployment of one pod (recreated in place, as a second GPU pod may not fit next to the
 * first) whose init container copies the model from the bucket into an emptyDir the server reads.
 */
export function buildReplicaDeployment(spec: ReplicaSpec, k: KubernetesSettings): V1Deployment {
  const name = replicaName(spec.replicaId);
  const labels = replicaLabels(spec);
  const gpu = spec.hardware.gpus > 0;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: k.namespace,
      labels,
      annotations: { 'platform/served-model-name': spec.servedModelName, 'platform/model-prefix': spec.modelPrefix },
    },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { [LABEL_REPLICA]: spec.replicaId } },
      template: {
        metadata: {
          labels,
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(SERVER_PORT), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          ...(k.serviceAccount ? { serviceAccountName: k.serviceAccount } : {}),
          terminationGracePeriodSeconds: 60,
          ...(gpu ? { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] } : {}),
          initContainers: [fetchContainer(spec, k)],
          containers: [serverContainer(spec, k)],
          volumes: [
            { name: 'model', emptyDir: {} },
            // vLLM's and TGI's GPU workers exchange tensors through shared memory.
            { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: gpu ? '8Gi' : '256Mi' } },
          ],
          ...k.podSpecPatch,
        },
      },
    },
  };
}

/** The replica's ClusterIP Service: what the inference service dials. */
export function buildReplicaService(spec: ReplicaSpec, k: KubernetesSettings): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: replicaName(spec.replicaId), namespace: k.namespace, labels: replicaLabels(spec) },
    spec: {
      type: 'ClusterIP',
      selector: { [LABEL_REPLICA]: spec.replicaId },
      ports: [{ name: 'http', port: SERVER_PORT, targetPort: 'http' }],
    },
  };
}
