import type { HardwareProfile } from '../deployments/hardware-specs';

/** What a replica serves: the same for every replica of one deployment rev. */
export interface ReplicaSpec {
  /** The replica row's id: stable across restarts of the deployment service, the `replicaId` of its announcements. */
  replicaId: string;
  deploymentId: string;
  rev: number;
  /** The name the server serves the model under (the deployment's pool id, e.g. `deployments/<id>`). */
  servedModelName: string;
  /** The bucket prefix of a Hugging Face style model directory (ends with "/"). */
  modelPrefix: string;
  hardware: HardwareProfile;
  /** `online.parameters.foundation_model.max_sequence_length`, when the user set one. */
  maxSequenceLength?: number;
  /** The custom foundation model id of the deployed asset, when it has one (`external` finds its endpoint by it). */
  foundationModelId?: string;
}

/** A replica that answers: where, through which adapter, and how to find it again (stored in the replica row). */
export interface StartedReplica {
  url: string;
  adapter: 'openai' | 'tgi';
  /** The name the server serves the model under (usually `servedModelName`). */
  backendModel: string;
  /** JSON: what `adopt`, `probe`, `inFlight` and `stop` need (pid and port, Kubernetes names, …). */
  handle: Record<string, unknown>;
}

export type ReplicaHealth = 'healthy' | 'unhealthy' | 'gone';

/** A replica that could not start: the deployment fails with this message (bad weights, not enough memory, …). */
export class ReplicaStartError extends Error {
  override readonly name = 'ReplicaStartError';
}

/**
 * Starts and stops model-server replicas on one kind of infrastructure, chosen by configuration
 * (`PLATFORM_DEPLOYMENT_REPLICAS`): `process` (engine-server child processes, the embedded default), `kubernetes`
 * (vLLM or TGI Deployments), `external` (endpoints an operator runs). The deployment keeper decides when; a manager
 * only knows how.
 */
export interface ReplicaManager {
  readonly kind: 'process' | 'kubernetes' | 'external';
  /**
   * Starts a replica and resolves once it answers its health check; rejects with ReplicaStartError when it cannot
   * start (its log's last lines in the message), or when `signal` aborts (then nothing is left running).
   */
  start(spec: ReplicaSpec, signal: AbortSignal): Promise<StartedReplica>;
  /**
   * Finds a replica a previous keeper started (after the deployment service restarted): the replica when it still
   * runs (re-attached), undefined when it is gone.
   */
  adopt(spec: ReplicaSpec, stored: StartedReplica): Promise<StartedReplica | undefined>;
  /** `gone` when the replica no longer exists (a crashed process, a deleted pod): the keeper starts another. */
  probe(replica: StartedReplica, signal: AbortSignal): Promise<ReplicaHealth>;
  /** Requests running or waiting there (to drain before stopping); undefined when the server does not say. */
  inFlight(replica: StartedReplica, signal: AbortSignal): Promise<number | undefined>;
  /**
   * Stops the replica and frees what it alone used (idempotent: stopping a gone replica is fine). What the replicas of
   * its rev share stays until `release`: a crashed replica's restart reuses it.
   */
  stop(replica: StartedReplica): Promise<void>;
  /**
   * Frees what the replicas of a deployment's revs share on this host (the process manager's downloaded weights),
   * except for the revs in `keepRevs`. The keeper calls it once a rev is no longer wanted (its swap is done, its update
   * failed, the deployment is deleted or fails, the keeper stops), never after a crash. Managers whose replicas share
   * nothing here leave it out.
   */
  release?(deploymentId: string, keepRevs: readonly number[]): Promise<void>;
}
