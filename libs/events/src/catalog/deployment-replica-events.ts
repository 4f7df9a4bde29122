import { defineEvents, type AnyEventOf, type EventCatalog } from '../envelope';
import { fail, objectOf, optionalString, requiredString } from './payload';

/**
 * The contract between whatever starts model-server replicas (the deployment service, later) and the inference
 * service, which routes to them. Published on the platform's event stream (`PLATFORM_EVENTS`):
 *
 * | subject | data |
 * | --- | --- |
 * | `platform.events.deployment.replica.ready` | {@link ReplicaReady}: the replica answers on `url`; route `modelId` to it |
 * | `platform.events.deployment.replica.removed` | {@link ReplicaRemoved}: stop routing to it (it is going away) |
 *
 * Both subjects sit under `platform.events.deployment.replica.>`, so one consumer with one filter subject (all
 * nats-server 2.9 allows) sees both in stream order: a `removed` is always applied after the `ready` it undoes.
 * `replicaId` identifies a replica across events; announcing the same `replicaId` again replaces its earlier
 * announcement. It lives in this library because several apps publish
 * or consume these events (the inference service, the evaluation service; apps may not import each other).
 */
const DEPLOYMENT_MODEL_PREFIX = 'deployments/';

/**
 * The model id of a deployment's own pool, which its replicas are announced under (and vLLM serves as
 * `--served-model-name`). The deployment service names it; the gateway keeps the model-catalog routes off it.
 */
export function deploymentModelId(deploymentId: string): string {
  return `${DEPLOYMENT_MODEL_PREFIX}${deploymentId}`;
}

/** Whether a model id names a deployment's own pool rather than a model of the catalog. */
export function isDeploymentModelId(modelId: string): boolean {
  return modelId.startsWith(DEPLOYMENT_MODEL_PREFIX);
}

export interface ReplicaReady {
  /** The deployment this replica belongs to (informational). */
  deploymentId?: string;
  /** The public model id requests name; a new one becomes a new pool in the catalog. */
  modelId: string;
  /** Base URL of the model server, http(s), no trailing path. */
  url: string;
  adapter: 'openai' | 'tgi';
  /** Unique per replica; the key `deployment.replica.removed` refers to. */
  replicaId: string;
  /** The name the server serves the model under, when it differs from `modelId` (vLLM's `--served-model-name`). */
  backendModel?: string;
}

export interface ReplicaRemoved {
  replicaId: string;
  modelId: string;
}

export type ReplicaEvents = {
  'deployment.replica.ready': ReplicaReady;
  'deployment.replica.removed': ReplicaRemoved;
};
export type ReplicaEvent = AnyEventOf<ReplicaEvents>;

/** The catalog on the platform's subjects (`platform.events.deployment.replica.*`). */
export const replicaEvents: EventCatalog<ReplicaEvents> = defineEvents<ReplicaEvents>();

/** The same events under another subject prefix (tests isolate themselves on their own stream this way). */
export function replicaEventsWithPrefix(subjectPrefix: string): EventCatalog<ReplicaEvents> {
  return defineEvents<ReplicaEvents>({ subjectPrefix });
}

/** The one filter subject that matches both event types. */
export function replicaEventsFilter(catalog: EventCatalog<ReplicaEvents> = replicaEvents): string {
  return `${catalog.subjectPrefix}.deployment.replica.>`;
}

/** Checks a `deployment.replica.ready` payload; throws `PermanentEventError` (poison) when it is malformed. */
export function parseReplicaReady(data: unknown): ReplicaReady {
  const type = 'deployment.replica.ready';
  const o = objectOf(data, type);
  const url = requiredString(o, 'url', type);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail(type, `url is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(type, `url must be http(s): ${url}`);
  const adapter = o.adapter;
  if (adapter !== 'openai' && adapter !== 'tgi') fail(type, 'adapter must be "openai" or "tgi"');
  const ready: ReplicaReady = {
    modelId: requiredString(o, 'modelId', type),
    url: url.replace(/\/+$/, ''),
    adapter,
    replicaId: requiredString(o, 'replicaId', type),
  };
  const deploymentId = optionalString(o, 'deploymentId', type);
  if (deploymentId) ready.deploymentId = deploymentId;
  const backendModel = optionalString(o, 'backendModel', type);
  if (backendModel) ready.backendModel = backendModel;
  return ready;
}

/** Checks a `deployment.replica.removed` payload; throws `PermanentEventError` (poison) when it is malformed. */
export function parseReplicaRemoved(data: unknown): ReplicaRemoved {
  const type = 'deployment.replica.removed';
  const o = objectOf(data, type);
  return { replicaId: requiredString(o, 'replicaId', type), modelId: requiredString(o, 'modelId', type) };
}
