import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { createLogger, sleep, type Logger } from '@platform/common';
import type { DeploymentConfig } from '../../deployment.config';
import { requestsInFlight } from '../http-probes';
import { ReplicaStartError, type ReplicaHealth, type ReplicaManager, type ReplicaSpec, type StartedReplica } from '../replica-manager';
import { pendingState, startFailure, type PodFailure } from './pod-failures';
import {
  LABEL_REPLICA,
  LOAD_GAUGES,
  buildReplicaDeployment,
  buildReplicaService,
  replicaName,
  serverKind,
  serviceUrl,
  type KubernetesSettings,
  type ServerKind,
} from './replica-manifests';

/** What a replica row keeps to find its Kubernetes objects again. */
export interface KubernetesHandle {
  namespace: string;
  /** The Deployment's and the Service's name. */
  name: string;
  server: ServerKind;
}

const LOG_LINES = 20;

function handleOf(replica: StartedReplica): KubernetesHandle {
  const h = replica.handle as Partial<KubernetesHandle>;
  if (typeof h.namespace !== 'string' || typeof h.name !== 'string' || (h.server !== 'vllm' && h.server !== 'tgi' && h.server !== 'engine'))
    throw new Error(`not a Kubernetes replica handle: ${JSON.stringify(replica.handle)}`);
  return { namespace: h.namespace, name: h.name, server: h.server };
}

const isStatus = (err: unknown, code: number) => err instanceof ApiException && err.code === code;

/** The `message` of the API server's Status body (client-node keeps the body as text or as the parsed object). */
function apiMessage(err: ApiException<unknown>): string {
  let body: unknown = err.body;
  if (typeof err.body === 'string') {
    const text = err.body;
    try {
      body = JSON.parse(text);
    } catch {
      return text || `HTTP ${err.code}`;
    }
  }
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : `HTTP ${err.code}`;
}

/** Ready when the current generation has a ready pod (a rollout in progress does not count). */
function isReady(d: V1Deployment): boolean {
  const observed = d.status?.observedGeneration ?? 0;
  return (d.status?.readyReplicas ?? 0) >= 1 && observed >= (d.metadata?.generation ?? 0);
}

/**
 * Runs each replica as an apps/v1 Deployment of one vLLM, TGI or engine-server pod with a ClusterIP Service in front,
 * both named after the replica id (so a restarted keeper finds them) and labelled with the deployment id and rev.
 * `start` creates them and follows the pod until it is ready or fails for a reason waiting will not cure (the image,
 * the model copy, a crash, OOMKilled); what it leaves behind on failure it deletes, since the keeper never gets a
 * handle to stop it with.
 */
export class KubernetesReplicaManager implements ReplicaManager {
  readonly kind = 'kubernetes' as const;

  constructor(
    private readonly apps: AppsV1Api,
    private readonly core: CoreV1Api,
    private readonly settings: KubernetesSettings,
    private readonly logger: Logger,
  ) {}

  async start(spec: ReplicaSpec, signal: AbortSignal): Promise<StartedReplica> {
    const k = this.settings;
    const replica = this.replicaOf(spec);
    const { name } = handleOf(replica);
    signal.throwIfAborted();
    try {
      await this.createOrFollow('Deployment', name, () =>
        this.apps.createNamespacedDeployment({ namespace: k.namespace, body: buildReplicaDeployment(spec, k) }),
      );
      await this.createOrFollow('Service', name, () =>
        this.core.createNamespacedService({ namespace: k.namespace, body: buildReplicaService(spec, k) }),
      );
      await this.waitReady(spec, name, signal);
      return replica;
    } catch (err) {
      await this.remove(k.namespace, name).catch((e: unknown) =>
        this.logger.warn({ err: e, replica: name }, 'could not delete a replica that did not start'),
      );
      throw err;
    }
  }

  /**
   * The names follow from the replica id, so a row written before its replica was ready (no handle yet: the keeper
   * died mid-start) still finds, and deletes, what that start created.
   */
  async adopt(spec: ReplicaSpec, stored: StartedReplica): Promise<StartedReplica | undefined> {
    const replica = this.replicaOf(spec);
    const h = handleOf(replica);
    const deployment = await this.read(h);
    if (!deployment) return undefined;
    if (isReady(deployment)) return { ...replica, url: stored.url || replica.url };
    // Left half-started by a keeper that died: start afresh rather than keep a pod nobody follows.
    await this.remove(h.namespace, h.name);
    this.logger.info({ replica: h.name }, 'deleted a replica that was not ready when adopted');
    return undefined;
  }

  async probe(replica: StartedReplica, signal: AbortSignal): Promise<ReplicaHealth> {
    signal.throwIfAborted();
    const deployment = await this.read(handleOf(replica));
    if (!deployment) return 'gone';
    return isReady(deployment) ? 'healthy' : 'unhealthy';
  }

  inFlight(replica: StartedReplica, signal: AbortSignal): Promise<number | undefined> {
    return requestsInFlight(replica.url, signal, LOAD_GAUGES[handleOf(replica).server]);
  }

  async stop(replica: StartedReplica): Promise<void> {
    const h = handleOf(replica);
    await this.remove(h.namespace, h.name);
  }

  /** Where the replica of this spec is and how it is reached: all derived from the replica id and the settings. */
  private replicaOf(spec: ReplicaSpec): StartedReplica {
    const { namespace } = this.settings;
    const name = replicaName(spec.replicaId);
    const server = serverKind(spec, this.settings);
    return {
      url: serviceUrl(name, namespace),
      adapter: server === 'tgi' ? 'tgi' : 'openai',
      backendModel: spec.servedModelName,
      handle: { namespace, name, server } satisfies KubernetesHandle,
    };
  }

  private async createOrFollow(kind: string, name: string, create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
      this.logger.info({ replica: name, namespace: this.settings.namespace }, `created ${kind}`);
    } catch (err) {
      // Refused for good (forbidden, invalid, a quota): waiting will not help, the deployment fails saying why.
      if (err instanceof ApiException && err.code >= 400 && err.code < 500 && err.code !== 409 && err.code !== 429)
        throw new ReplicaStartError(`Kubernetes refused the replica's ${kind} ${this.settings.namespace}/${name}: ${apiMessage(err)}`);
      // Created by an earlier attempt for this same replica id (a keeper restarted mid-start): follow it.
      if (!isStatus(err, 409)) throw err;
      this.logger.info({ replica: name, namespace: this.settings.namespace }, `following existing ${kind}`);
    }
  }

  private async read(h: { namespace: string; name: string }): Promise<V1Deployment | undefined> {
    try {
      return await this.apps.readNamespacedDeployment({ name: h.name, namespace: h.namespace });
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  private async pods(namespace: string, replicaId: string): Promise<V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace, labelSelector: `${LABEL_REPLICA}=${replicaId}` })).items;
  }

  private async waitReady(spec: ReplicaSpec, name: string, signal: AbortSignal): Promise<void> {
    const { namespace, startTimeoutMs, pollMs } = this.settings;
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      signal.throwIfAborted();
      const deployment = await this.read({ namespace, name });
      if (!deployment) throw new ReplicaStartError(`Kubernetes Deployment ${namespace}/${name} was deleted while the replica started`);
      if (isReady(deployment)) return;
      const pods = await this.pods(namespace, spec.replicaId);
      const failure = startFailure(pods);
      if (failure) throw new ReplicaStartError(await this.describe(namespace, name, failure));
      if (Date.now() >= deadline)
        throw new ReplicaStartError(
          `replica ${namespace}/${name} was not ready within ${Math.round(startTimeoutMs / 1000)} s: ${pendingState(pods)}`,
        );
      await sleep(pollMs, signal);
    }
  }

  /** The failure with the container's last log lines, when the API server still has them. */
  private async describe(namespace: string, name: string, f: PodFailure): Promise<string> {
    const head = `replica ${namespace}/${name} failed to start: ${f.container ? `container ${f.container} ` : ''}${f.reason}`;
    if (!f.logs) return head;
    try {
      const log = await this.core.readNamespacedPodLog({
        name: f.pod,
        namespace,
        container: f.container,
        tailLines: LOG_LINES,
        previous: f.logs.previous,
      });
      const lines = String(log).trimEnd();
      return lines ? `${head}\n${lines}` : head;
    } catch {
      return head;
    }
  }

  /** Deletes the Deployment (its pods first: foreground) and the Service; what is already gone is fine. */
  private async remove(namespace: string, name: string): Promise<void> {
    const ignoreGone = (err: unknown) => {
      if (!isStatus(err, 404)) throw err;
    };
    await this.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Foreground' }).catch(ignoreGone);
    await this.core.deleteNamespacedService({ name, namespace }).catch(ignoreGone);
    this.logger.info({ replica: name, namespace }, 'deleted replica Deployment and Service');
  }
}

/**
 * The manager PLATFORM_DEPLOYMENT_REPLICAS=kubernetes selects: API access from the pod's service account in a
 * cluster, or the kubeconfig (KUBECONFIG, ~/.kube/config) outside one.
 */
export function createKubernetesManager(config: DeploymentConfig, logger: Logger = createLogger('deployment')): KubernetesReplicaManager {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return new KubernetesReplicaManager(kc.makeApiClient(AppsV1Api), kc.makeApiClient(CoreV1Api), config.kubernetes, logger);
}
