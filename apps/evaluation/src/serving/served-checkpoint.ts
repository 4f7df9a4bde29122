import { unary } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';

export interface ServingDeps {
  deployments: deploymentV1.DeploymentServiceClient;
  serving: {
    /** How long a checkpoint's replica may take to be ready. */
    readyTimeoutMs: number;
    /** The replica is deleted by the deployment service when not renewed for this long (a crashed evaluation). */
    leaseMs: number;
  };
}

export interface ServedCheckpoint {
  /** The model id the inference service routes to this checkpoint's replica. */
  modelId: string;
  stop(): Promise<void>;
}

const POLL_MS = 250;

/**
 * Serves a checkpoint of the bucket for the length of an evaluation as a temporary deployment: the deployment service
 * (the one owner of model-server replicas) starts the replica, and reports it ready once the inference service routes
 * to it. The lease is renewed while the evaluation runs; `stop()` deletes the deployment. An evaluation service that
 * dies stops renewing, so its replicas are removed once the lease lapses instead of being left behind.
 */
export async function serveCheckpoint(
  deps: ServingDeps,
  projectId: string,
  objectPrefix: string,
  label: string,
): Promise<ServedCheckpoint> {
  const { deployments, serving } = deps;
  const created = await unary(
    deployments.createTemporaryDeployment({ projectId, objectPrefix, label: label.slice(0, 120), leaseMs: serving.leaseMs }),
  );
  const id = created.deployment?.id ?? '';
  let renewing: NodeJS.Timeout | undefined = setInterval(
    () => void unary(deployments.renewTemporaryDeployment({ id })).catch(() => undefined),
    Math.max(1_000, Math.floor(serving.leaseMs / 3)),
  );
  renewing.unref();
  const stop = async () => {
    if (!renewing) return;
    clearInterval(renewing);
    renewing = undefined;
    await unary(deployments.deleteDeployment({ projectId, spaceId: '', id })).catch(() => undefined);
  };
  try {
    const deadline = Date.now() + serving.readyTimeoutMs;
    for (;;) {
      const d = (await unary(deployments.getDeployment({ projectId, spaceId: '', id }))).deployment;
      const status = d?.status;
      if (d && status?.state === 'ready') return { modelId: d.modelId, stop };
      if (status?.state === 'failed') throw new Error(`serving ${label} failed: ${status.failureMessage || status.messageText}`);
      if (Date.now() > deadline) throw new Error(`serving ${label} was not ready within ${serving.readyTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
