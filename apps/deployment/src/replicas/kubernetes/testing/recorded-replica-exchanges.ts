import type { RecordedExchange } from '@platform/test-fixtures';

/**
 * A replica's life as the apps/v1 and core/v1 APIs answer it (bodies trimmed to the fields the manager reads, in the
 * shapes and status codes of a v1.30 API server): creation, the pod moving through its init container to ready, the
 * ways a start fails (OOMKilled and CrashLoopBackOff, an image that cannot be pulled, a model copy that found no
 * model, no node with free GPUs), a name that already exists, a refusal, deletion with foreground propagation and
 * deletion of what is already gone.
 */
export const NAMESPACE = 'ilab';
export const REPLICA_ID = '3f0c9a52-7d1e-4b8a-9c61-0e5d2b7a4f18';
export const DEPLOYMENT_ID = 'b7e1c0d4-5a2f-4e69-8d3b-91f0a6c2e574';
export const NAME = `replica-${REPLICA_ID}`;
export const POD = `${NAME}-6b9f7c5d4-x2kqv`;

const deploymentsPath = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`;
const deploymentPath = `${deploymentsPath}/${NAME}`;
const servicesPath = `/api/v1/namespaces/${NAMESPACE}/services`;
const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;
const podLogPath = `${podsPath}/${POD}/log`;
const labelSelector = `platform/replica-id=${REPLICA_ID}`;

const labels = {
  'app.kubernetes.io/name': 'model-server',
  'platform/replica-id': REPLICA_ID,
  'platform/deployment-id': DEPLOYMENT_ID,
  'platform/deployment-rev': '1',
};
const meta = {
  name: NAME,
  namespace: NAMESPACE,
  uid: '5c1d7e0a-2b4f-4f3e-a9d8-7e6b5c4d3a21',
  resourceVersion: '91822',
  generation: 1,
  creationTimestamp: '2026-12-03T10:00:00Z',
  labels,
};
const spec = { replicas: 1, selector: { matchLabels: { 'platform/replica-id': REPLICA_ID } }, strategy: { type: 'Recreate' } };

const deployment = (status: Record<string, unknown>) => ({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: meta, spec, status });

const progressing = {
  type: 'Progressing',
  status: 'True',
  reason: 'ReplicaSetUpdated',
  message: `ReplicaSet "${NAME}-6b9f7c5d4" is progressing.`,
  lastUpdateTime: '2026-12-03T10:00:00Z',
  lastTransitionTime: '2026-12-03T10:00:00Z',
};
const unavailable = {
  type: 'Available',
  status: 'False',
  reason: 'MinimumReplicasUnavailable',
  message: 'Deployment does not have minimum availability.',
  lastUpdateTime: '2026-12-03T10:00:00Z',
  lastTransitionTime: '2026-12-03T10:00:00Z',
};
export const starting = deployment({
  observedGeneration: 1,
  replicas: 1,
  updatedReplicas: 1,
  unavailableReplicas: 1,
  conditions: [unavailable, progressing],
});
export const ready = deployment({
  observedGeneration: 1,
  replicas: 1,
  updatedReplicas: 1,
  readyReplicas: 1,
  availableReplicas: 1,
  conditions: [
    { ...unavailable, status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
    { ...progressing, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${NAME}-6b9f7c5d4" has successfully progressed.` },
  ],
});

const service = {
  kind: 'Service',
  apiVersion: 'v1',
  metadata: { ...meta, generation: undefined },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.41.7',
    selector: { 'platform/replica-id': REPLICA_ID },
    ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
  },
};

const notFound = (kind: string, group: string) => ({
  status: 404,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${kind}${group ? `.${group}` : ''} "${NAME}" not found`,
    reason: 'NotFound',
    details: { name: NAME, ...(group ? { group } : {}), kind },
    code: 404,
  },
});
const exists = (kind: string, group: string) => ({
  status: 409,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${kind}${group ? `.${group}` : ''} "${NAME}" already exists`,
    reason: 'AlreadyExists',
    details: { name: NAME, ...(group ? { group } : {}), kind },
    code: 409,
  },
});

type Status = Record<string, unknown>;
const pod = (phase: string, init: Status, server: Status, conditions: Status[] = []) => ({
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '91840' },
  items: [
    {
      metadata: { name: POD, namespace: NAMESPACE, labels, uid: 'e0d5c4b3-a291-4f80-b7c6-d5e4f3a2b1c0' },
      status: {
        phase,
        conditions,
        hostIP: '10.0.3.12',
        podIP: '10.244.2.31',
        startTime: '2026-12-03T10:00:02Z',
        initContainerStatuses: [
          { name: 'fetch-model', image: 'amazon/aws-cli:2.17.0', imageID: '', ready: false, restartCount: 0, started: false, ...init },
        ],
        containerStatuses: [
          { name: 'server', image: 'vllm/vllm-openai:v0.11.0', imageID: '', ready: false, restartCount: 0, started: false, ...server },
        ],
      },
    },
  ],
});
const waiting = (reason: string, message?: string) => ({ state: { waiting: { reason, ...(message ? { message } : {}) } } });
const initDone = {
  ready: true,
  state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2026-12-03T10:00:05Z', finishedAt: '2026-12-03T10:03:40Z' } },
};

/** The init container copying the model, then the server loading it, then ready. */
export const copyingModel = pod('Pending', { state: { running: { startedAt: '2026-12-03T10:00:05Z' } } }, waiting('PodInitializing'));
export const loadingWeights = pod('Running', initDone, { started: true, state: { running: { startedAt: '2026-12-03T10:03:41Z' } } });

const create: RecordedExchange[] = [
  { request: { method: 'POST', path: deploymentsPath }, response: { status: 201, body: deployment({}) } },
  { request: { method: 'POST', path: servicesPath }, response: { status: 201, body: service } },
];
const getDeployment = (body: unknown): RecordedExchange => ({
  request: { method: 'GET', path: deploymentPath },
  response: { status: 200, body },
});
const listPods = (body: unknown): RecordedExchange => ({
  request: { method: 'GET', path: podsPath, query: { labelSelector } },
  response: { status: 200, body },
});
const deleted: RecordedExchange[] = [
  {
    request: { method: 'DELETE', path: deploymentPath, query: { propagationPolicy: 'Foreground' } },
    response: {
      status: 200,
      body: { ...starting, metadata: { ...meta, deletionTimestamp: '2026-12-03T10:05:00Z', finalizers: ['foregroundDeletion'] } },
    },
  },
  { request: { method: 'DELETE', path: `${servicesPath}/${NAME}` }, response: { status: 200, body: service } },
];
const alreadyGone: RecordedExchange[] = [
  {
    request: { method: 'DELETE', path: deploymentPath, query: { propagationPolicy: 'Foreground' } },
    response: notFound('deployments', 'apps'),
  },
  { request: { method: 'DELETE', path: `${servicesPath}/${NAME}` }, response: notFound('services', '') },
];

export const createdAndReady: RecordedExchange[] = [
  ...create,
  getDeployment(starting),
  listPods(copyingModel),
  getDeployment(starting),
  listPods(loadingWeights),
  getDeployment(ready),
];

/** A keeper that died after creating the objects: its successor's start finds them and follows the pod. */
export const existingAndReady: RecordedExchange[] = [
  { request: { method: 'POST', path: deploymentsPath }, response: exists('deployments', 'apps') },
  { request: { method: 'POST', path: servicesPath }, response: exists('services', '') },
  getDeployment(ready),
];

export const OOM_LOG = [
  'INFO 12-03 10:04:02 [gpu_model_runner.py:2602] Loading model from scratch...',
  'INFO 12-03 10:04:31 [default_loader.py:267] Loading weights took 28.41 seconds',
  'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB.',
].join('\n');

export const oomKilled: RecordedExchange[] = [
  ...create,
  getDeployment(starting),
  listPods(
    pod('Running', initDone, {
      restartCount: 1,
      ...waiting('CrashLoopBackOff', `back-off 10s restarting failed container=server pod=${POD}_${NAMESPACE}(e0d5c4b3)`),
      lastState: {
        terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-12-03T10:03:41Z', finishedAt: '2026-12-03T10:04:33Z' },
      },
    }),
  ),
  {
    request: { method: 'GET', path: podLogPath, query: { container: 'server', tailLines: '20', previous: 'true' } },
    response: { status: 200, text: `${OOM_LOG}\n` },
  },
  ...deleted,
];

export const imagePullBackOff: RecordedExchange[] = [
  ...create,
  getDeployment(starting),
  listPods(
    pod(
      'Pending',
      waiting(
        'ImagePullBackOff',
        'Back-off pulling image "amazon/aws-cli:2.17.0": ErrImagePull: failed to pull and unpack image: dial tcp: lookup registry-1.docker.io: no such host',
      ),
      waiting('PodInitializing'),
    ),
  ),
  ...deleted,
];

export const FETCH_LOG = 'no config.json under s3://instructlab/custom_models/missing/';

export const modelMissing: RecordedExchange[] = [
  ...create,
  getDeployment(starting),
  listPods(
    pod(
      'Pending',
      { state: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-12-03T10:00:05Z', finishedAt: '2026-12-03T10:00:07Z' } } },
      waiting('PodInitializing'),
    ),
  ),
  {
    request: { method: 'GET', path: podLogPath, query: { container: 'fetch-model', tailLines: '20', previous: 'false' } },
    response: { status: 200, text: `${FETCH_LOG}\n` },
  },
  ...deleted,
];

export const UNSCHEDULABLE =
  '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

export const unschedulable: RecordedExchange[] = [
  ...create,
  getDeployment(starting),
  {
    request: { method: 'GET', path: podsPath, query: { labelSelector } },
    response: {
      status: 200,
      body: {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: {},
        items: [
          {
            metadata: { name: POD, namespace: NAMESPACE, labels },
            status: {
              phase: 'Pending',
              conditions: [
                {
                  type: 'PodScheduled',
                  status: 'False',
                  reason: 'Unschedulable',
                  message: UNSCHEDULABLE,
                  lastTransitionTime: '2026-12-03T10:00:00Z',
                },
              ],
            },
          },
        ],
      },
    },
  },
  ...deleted,
];

export const forbidden: RecordedExchange[] = [
  {
    request: { method: 'POST', path: deploymentsPath },
    response: {
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `deployments.apps is forbidden: User "system:serviceaccount:${NAMESPACE}:default" cannot create resource "deployments" in API group "apps" in the namespace "${NAMESPACE}"`,
        reason: 'Forbidden',
        details: { group: 'apps', kind: 'deployments' },
        code: 403,
      },
    },
  },
  ...alreadyGone,
];

/** Started, then the keeper's signal aborts while the weights load. */
export const abortedWhileLoading: RecordedExchange[] = [...create, getDeployment(starting), listPods(loadingWeights), ...deleted];

export const adoptReady: RecordedExchange[] = [getDeployment(ready)];
export const adoptGone: RecordedExchange[] = [
  { request: { method: 'GET', path: deploymentPath }, response: notFound('deployments', 'apps') },
];
export const adoptHalfStarted: RecordedExchange[] = [getDeployment(starting), ...deleted];

export const probes: RecordedExchange[] = [
  getDeployment(ready),
  getDeployment(starting),
  { request: { method: 'GET', path: deploymentPath }, response: notFound('deployments', 'apps') },
];

export const stopTwice: RecordedExchange[] = [...deleted, ...alreadyGone];

/** `GET /metrics` of vLLM 0.11 with 3 running and 2 waiting requests (one model, two engines' series). */
export const VLLM_METRICS = [
  '# HELP vllm:num_requests_running Number of requests in model execution batches.',
  '# TYPE vllm:num_requests_running gauge',
  'vllm:num_requests_running{engine="0",model_name="deployments/b7e1c0d4"} 2.0',
  'vllm:num_requests_running{engine="1",model_name="deployments/b7e1c0d4"} 1.0',
  '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
  '# TYPE vllm:num_requests_waiting gauge',
  'vllm:num_requests_waiting{engine="0",model_name="deployments/b7e1c0d4"} 2.0',
  'vllm:num_requests_waiting{engine="1",model_name="deployments/b7e1c0d4"} 0.0',
  '# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.',
  '# TYPE vllm:kv_cache_usage_perc gauge',
  'vllm:kv_cache_usage_perc{engine="0",model_name="deployments/b7e1c0d4"} 0.41',
  '',
].join('\n');

/** `GET /metrics` of TGI 3.3: 4 queued, a batch of 6. */
export const TGI_METRICS = [
  '# TYPE tgi_queue_size gauge',
  'tgi_queue_size 4',
  '# TYPE tgi_batch_current_size gauge',
  'tgi_batch_current_size 6',
  '# TYPE tgi_batch_current_max_tokens gauge',
  'tgi_batch_current_max_tokens 8192',
  '',
].join('\n');
