/**
 * The parts of Kubernetes' schemas (io.k8s.api.batch.v1.Job, io.k8s.api.apps.v1.Deployment, io.k8s.api.core.v1.Service
 * in the cluster's OpenAPI document) that the platform's generated manifests use, with the API server's own
 * constraints on names, quantities, ports and enums. Specs check generated manifests and the examples under deploy/
 * with them (ajv) before anything reaches a cluster.
 */
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Service names are DNS-1035 labels: they start with a letter. */
const DNS_1035_LABEL = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
const ENV_NAME = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
const QUANTITY = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
/** An IANA service name: what a named port may be called. */
const PORT_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

const portNumber = { type: 'integer', minimum: 1, maximum: 65535 };
const intOrPortName = { oneOf: [portNumber, { type: 'string', pattern: PORT_NAME, maxLength: 15 }] };

const labels = { type: 'object', additionalProperties: { type: 'string', maxLength: 63, pattern: LABEL_VALUE } };

const objectMeta = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    namespace: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    labels,
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const keyRef = {
  type: 'object',
  required: ['name', 'key'],
  properties: { name: { type: 'string' }, key: { type: 'string' }, optional: { type: 'boolean' } },
};

const envVar = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: ENV_NAME },
    value: { type: 'string' },
    valueFrom: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      properties: {
        secretKeyRef: keyRef,
        configMapKeyRef: keyRef,
        fieldRef: { type: 'object', required: ['fieldPath'] },
        resourceFieldRef: { type: 'object', required: ['resource'] },
      },
      additionalProperties: false,
    },
  },
  // A variable has a value or a source, never both.
  not: { required: ['value', 'valueFrom'] },
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

const probe = {
  type: 'object',
  properties: {
    httpGet: { type: 'object', required: ['port'], properties: { path: { type: 'string', pattern: '^/' }, port: intOrPortName } },
    tcpSocket: { type: 'object', required: ['port'], properties: { port: intOrPortName } },
    grpc: { type: 'object', required: ['port'], properties: { port: portNumber } },
    initialDelaySeconds: { type: 'integer', minimum: 0 },
    periodSeconds: { type: 'integer', minimum: 1 },
    timeoutSeconds: { type: 'integer', minimum: 1 },
    failureThreshold: { type: 'integer', minimum: 1 },
    successThreshold: { type: 'integer', minimum: 1 },
  },
  minProperties: 1,
  additionalProperties: false,
};

const container = {
  type: 'object',
  required: ['name', 'image'],
  properties: {
    name: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    image: { type: 'string', minLength: 1 },
    imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
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
    ports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['containerPort'],
        properties: {
          name: { type: 'string', pattern: PORT_NAME, maxLength: 15 },
          containerPort: portNumber,
          protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
        },
        additionalProperties: false,
      },
    },
    resources,
    startupProbe: probe,
    readinessProbe: probe,
    livenessProbe: probe,
    volumeMounts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'mountPath'],
        properties: {
          name: { type: 'string' },
          mountPath: { type: 'string', pattern: '^/' },
          readOnly: { type: 'boolean' },
          subPath: { type: 'string' },
        },
        additionalProperties: false,
      },
    },
    workingDir: { type: 'string' },
    securityContext: { type: 'object' },
  },
  additionalProperties: false,
};

const volume = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    emptyDir: {
      type: 'object',
      properties: { medium: { enum: ['', 'Memory'] }, sizeLimit: { type: 'string', pattern: QUANTITY } },
      additionalProperties: false,
    },
  },
  // One source per volume.
  minProperties: 2,
  maxProperties: 2,
};

const podSpec = (restartPolicies: string[]) => ({
  type: 'object',
  required: ['containers'],
  properties: {
    restartPolicy: { enum: restartPolicies },
    serviceAccountName: { type: 'string', pattern: DNS_LABEL },
    terminationGracePeriodSeconds: { type: 'integer', minimum: 0 },
    initContainers: { type: 'array', items: container },
    containers: { type: 'array', minItems: 1, items: container },
    nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
    tolerations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          operator: { enum: ['Exists', 'Equal'] },
          value: { type: 'string' },
          effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
        },
      },
    },
    volumes: { type: 'array', items: volume },
    securityContext: { type: 'object' },
    imagePullSecrets: { type: 'array', items: { type: 'object', required: ['name'] } },
    priorityClassName: { type: 'string' },
    affinity: { type: 'object' },
  },
});

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
            // A Job's pods may only use Never or OnFailure (the API server rejects Always).
            spec: { ...podSpec(['Never', 'OnFailure']), required: ['containers', 'restartPolicy'] },
          },
        },
      },
    },
  },
} as const;

export const appsV1DeploymentSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'apps/v1' },
    kind: { const: 'Deployment' },
    metadata: { ...objectMeta, required: ['name'] },
    spec: {
      type: 'object',
      required: ['selector', 'template'],
      properties: {
        replicas: { type: 'integer', minimum: 0 },
        strategy: { type: 'object', properties: { type: { enum: ['Recreate', 'RollingUpdate'] } } },
        selector: { type: 'object', required: ['matchLabels'], properties: { matchLabels: { ...labels, minProperties: 1 } } },
        template: {
          type: 'object',
          required: ['metadata', 'spec'],
          properties: {
            metadata: { ...objectMeta, required: ['labels'] },
            // A Deployment's pods restart in place: Always is the only policy the API server accepts.
            spec: podSpec(['Always']),
          },
        },
      },
    },
  },
} as const;

export const coreV1ServiceSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'v1' },
    kind: { const: 'Service' },
    metadata: {
      ...objectMeta,
      required: ['name'],
      properties: { ...objectMeta.properties, name: { type: 'string', pattern: DNS_1035_LABEL, maxLength: 63 } },
    },
    spec: {
      type: 'object',
      required: ['ports'],
      properties: {
        type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] },
        selector: labels,
        ports: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['port'],
            properties: {
              name: { type: 'string', pattern: PORT_NAME, maxLength: 15 },
              port: portNumber,
              targetPort: intOrPortName,
              protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
              appProtocol: { type: 'string' },
            },
            additionalProperties: false,
          },
        },
      },
    },
  },
} as const;
