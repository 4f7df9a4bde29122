/**
 * The part of Kubernetes' batch/v1 Job schema (io.k8s.api.batch.v1.Job in the cluster's OpenAPI document) that the
 * executor's manifests use, with the API server's own constraints on names and enums. Used to check generated
 * manifests and the examples in deploy/training before they reach a cluster.
 */
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const ENV_NAME = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
const QUANTITY = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const objectMeta = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    namespace: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const envVar = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: ENV_NAME },
    value: { type: 'string' },
    valueFrom: { type: 'object' },
  },
  additionalProperties: false,
};

const resources = {
  type: 'object',
  properties: {
    requests: { type: 'object', additionalProperties: { type: 'string', pattern: QUANTITY } },
    limits: { type: 'object', additionalProperties: { type: 'string', pattern: QUANTITY } },
  },
  additionalProperties: false,
};

const container = {
  type: 'object',
  required: ['name', 'image'],
  properties: {
    name: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    image: { type: 'string', minLength: 1 },
    command: { type: 'array', items: { type: 'string' } },
    args: { type: 'array', items: { type: 'string' } },
    env: { type: 'array', items: envVar },
    envFrom: {
      type: 'array',
      items: {
        type: 'object',
        properties: { secretRef: { type: 'object', required: ['name'] }, configMapRef: { type: 'object', required: ['name'] } },
      },
    },
    resources,
    volumeMounts: { type: 'array', items: { type: 'object', required: ['name', 'mountPath'] } },
    workingDir: { type: 'string' },
  },
};

export const batchV1JobSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'batch/v1' },
    kind: { const: 'Job' },
    metadata: { ...objectMeta, required: ['name'] },
    spec: {
      type: 'object',
      required: ['template'],
      properties: {
        backoffLimit: { type: 'integer', minimum: 0 },
        activeDeadlineSeconds: { type: 'integer', minimum: 1 },
        ttlSecondsAfterFinished: { type: 'integer', minimum: 0 },
        completions: { type: 'integer', minimum: 0 },
        parallelism: { type: 'integer', minimum: 0 },
        template: {
          type: 'object',
          required: ['spec'],
          properties: {
            metadata: objectMeta,
            spec: {
              type: 'object',
              required: ['containers', 'restartPolicy'],
              properties: {
                // A Job's pods may only use Never or OnFailure (the API server rejects Always).
                restartPolicy: { enum: ['Never', 'OnFailure'] },
                serviceAccountName: { type: 'string', pattern: DNS_LABEL },
                containers: { type: 'array', minItems: 1, items: container },
                nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
                tolerations: { type: 'array', items: { type: 'object' } },
                volumes: { type: 'array', items: { type: 'object', required: ['name'] } },
              },
            },
          },
        },
      },
    },
  },
} as const;
