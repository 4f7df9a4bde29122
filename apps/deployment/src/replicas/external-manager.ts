import type { ExternalEndpoint } from './external-endpoints';
import { answersOk, requestsInFlight } from './http-probes';
import { ReplicaStartError, type ReplicaHealth, type ReplicaManager, type ReplicaSpec, type StartedReplica } from './replica-manager';

/** How an adapter's server says it is up: an OpenAI-compatible server lists its models, TGI has /health. */
const HEALTH_PATH = { openai: '/v1/models', tgi: '/health' } as const;

/**
 * Replicas are servers an operator runs (`PLATFORM_DEPLOYMENT_EXTERNAL_ENDPOINTS`): a deployment of a custom
 * foundation model routes to the endpoint registered for it. Starting one only checks that it answers; stopping one
 * never touches it (it is not ours to stop).
 */
export class ExternalReplicaManager implements ReplicaManager {
  readonly kind = 'external' as const;

  constructor(
    private readonly endpoints: readonly ExternalEndpoint[],
    private readonly o: { startTimeoutMs: number },
  ) {}

  async start(spec: ReplicaSpec, signal: AbortSignal): Promise<StartedReplica> {
    const endpoint = this.endpoints.find((e) => e.modelId === spec.foundationModelId);
    if (!endpoint) {
      const what = spec.foundationModelId
        ? `the custom foundation model ${spec.foundationModelId}`
        : 'this deployment (it names no custom foundation model)';
      throw new ReplicaStartError(`no external endpoint is registered for ${what}`);
    }
    const replica: StartedReplica = {
      url: endpoint.url,
      adapter: endpoint.adapter,
      backendModel: endpoint.backendModel,
      handle: { external: endpoint.modelId },
    };
    const deadline = Date.now() + this.o.startTimeoutMs;
    while ((await this.probe(replica, signal)) !== 'healthy') {
      signal.throwIfAborted();
      if (Date.now() > deadline)
        throw new ReplicaStartError(`the external endpoint ${endpoint.url} did not answer within ${this.o.startTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return replica;
  }

  async adopt(spec: ReplicaSpec, stored: StartedReplica): Promise<StartedReplica | undefined> {
    const endpoint = this.endpoints.find((e) => e.modelId === spec.foundationModelId && e.url === stored.url);
    return endpoint ? stored : undefined;
  }

  async probe(replica: StartedReplica, signal: AbortSignal): Promise<ReplicaHealth> {
    const adapter = replica.adapter === 'tgi' ? 'tgi' : 'openai';
    return (await answersOk(replica.url, HEALTH_PATH[adapter], signal)) ? 'healthy' : 'unhealthy';
  }

  inFlight(replica: StartedReplica, signal: AbortSignal): Promise<number | undefined> {
    return requestsInFlight(replica.url, signal);
  }

  async stop(): Promise<void> {
    // The operator's server keeps running: other deployments (or other platforms) may use it.
  }
}
