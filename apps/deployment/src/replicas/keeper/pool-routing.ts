import { unary } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';

/** A pool as the inference service routes it: its replicas, and how many of them pass their health checks. */
export interface PoolView {
  replicas: number;
  healthy: number;
}

/** Where the keeper learns whether the inference service routes to a deployment's replicas. */
export interface PoolRouting {
  /** The pool of `modelId`; undefined when the inference service has none (no replica announced, or all removed). */
  pool(modelId: string): Promise<PoolView | undefined>;
}

/** The inference service's catalog, deployment pools included (they are hidden from users' lists). */
export class InferenceRouting implements PoolRouting {
  constructor(private readonly inference: inferenceV1.InferenceServiceClient) {}

  async pool(modelId: string): Promise<PoolView | undefined> {
    const res = await unary(this.inference.listModels({ includeDeployments: true }), AbortSignal.timeout(10_000));
    const found = res.models.find((m) => m.modelId === modelId);
    return found && { replicas: found.replicas, healthy: found.healthyReplicas };
  }
}
