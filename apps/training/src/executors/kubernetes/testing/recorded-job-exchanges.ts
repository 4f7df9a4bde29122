import type { RecordedExchange } from '@platform/test-fixtures';

/**
 * Exchanges of a Job's life as the batch/v1 API answers them (bodies trimmed to the fields the executor reads, in
 * the shapes and status codes of a v1.30 API server): creation, status while the pod runs, completion, a name
 * conflict, deletion with foreground propagation, and a failure after the backoff limit.
 */
export const MODEL_ID = '6d1f7f0e-3c2a-4a57-9d0b-2f1e8a4c9b10';
export const NAMESPACE = 'ilab';
export const JOB = `ilab-train-${MODEL_ID}-p1`;
const jobsPath = `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`;
const statusPath = `${jobsPath}/${JOB}/status`;

const meta = {
  name: JOB,
  namespace: NAMESPACE,
  uid: '0b6f0a52-8f0e-4f58-9e53-6c2b1b8f7e11',
  resourceVersion: '48213',
  creationTimestamp: '2026-11-23T14:00:00Z',
  labels: { 'platform/model-id': MODEL_ID, 'platform/phase': '1' },
};
const spec = { backoffLimit: 3, completions: 1, parallelism: 1, ttlSecondsAfterFinished: 86400 };

const running = {
  kind: 'Job',
  apiVersion: 'batch/v1',
  metadata: meta,
  spec,
  status: { startTime: '2026-11-23T14:00:01Z', active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: {} },
};

export const createdAndCompleted: RecordedExchange[] = [
  {
    request: { method: 'POST', path: jobsPath },
    response: { status: 201, body: { kind: 'Job', apiVersion: 'batch/v1', metadata: meta, spec, status: {} } },
  },
  { request: { method: 'GET', path: statusPath }, response: { status: 200, body: running } },
  { request: { method: 'GET', path: statusPath }, response: { status: 200, body: running } },
  {
    request: { method: 'GET', path: statusPath },
    response: {
      status: 200,
      body: {
        ...running,
        status: {
          startTime: '2026-11-23T14:00:01Z',
          completionTime: '2026-11-23T14:06:40Z',
          succeeded: 1,
          ready: 0,
          terminating: 0,
          uncountedTerminatedPods: {},
          conditions: [
            {
              type: 'SuccessCriteriaMet',
              status: 'True',
              lastProbeTime: '2026-11-23T14:06:40Z',
              lastTransitionTime: '2026-11-23T14:06:40Z',
            },
            { type: 'Complete', status: 'True', lastProbeTime: '2026-11-23T14:06:40Z', lastTransitionTime: '2026-11-23T14:06:40Z' },
          ],
        },
      },
    },
  },
];

export const conflictThenCanceled: RecordedExchange[] = [
  {
    request: { method: 'POST', path: jobsPath },
    response: {
      status: 409,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `jobs.batch "${JOB}" already exists`,
        reason: 'AlreadyExists',
        details: { name: JOB, group: 'batch', kind: 'jobs' },
        code: 409,
      },
    },
  },
  { request: { method: 'GET', path: statusPath }, response: { status: 200, body: running } },
  {
    request: { method: 'DELETE', path: `${jobsPath}/${JOB}`, query: { propagationPolicy: 'Foreground', gracePeriodSeconds: '10' } },
    response: {
      status: 200,
      body: { ...running, metadata: { ...meta, deletionTimestamp: '2026-11-23T14:02:00Z', finalizers: ['foregroundDeletion'] } },
    },
  },
];

export const failedAfterBackoff: RecordedExchange[] = [
  {
    request: { method: 'POST', path: jobsPath },
    response: { status: 201, body: { kind: 'Job', apiVersion: 'batch/v1', metadata: meta, spec, status: {} } },
  },
  {
    request: { method: 'GET', path: statusPath },
    response: {
      status: 200,
      body: {
        ...running,
        status: {
          startTime: '2026-11-23T14:00:01Z',
          failed: 4,
          ready: 0,
          terminating: 0,
          uncountedTerminatedPods: {},
          conditions: [
            {
              type: 'FailureTarget',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastProbeTime: '2026-11-23T14:03:00Z',
              lastTransitionTime: '2026-11-23T14:03:00Z',
            },
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastProbeTime: '2026-11-23T14:03:00Z',
              lastTransitionTime: '2026-11-23T14:03:00Z',
            },
          ],
        },
      },
    },
  },
];
