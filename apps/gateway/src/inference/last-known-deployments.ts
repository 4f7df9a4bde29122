import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';

const codeOf = (err: unknown) => (err instanceof PlatformError ? err.grpcCode : (err as { code?: unknown } | null)?.code);

/** The deployment service cannot be reached right now (it is restarting, say): not an answer about the deployment. */
const UNREACHABLE = new Set<unknown>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);

export interface LastKnownOptions {
  /** Ids and serving names remembered; the least recently resolved is forgotten first. */
  maxEntries: number;
  /** How old a resolution may be and still stand in for the service. */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * The last resolution of each deployment id or serving name, which stands in while the deployment service cannot be
 * reached: its replicas and the inference service keep serving when it restarts, and so do the deployment routes. Every
 * request still asks the service first, so a rename, a delete or a new state is seen at once whenever it answers; an
 * answer that the deployment is gone forgets it.
 */
export class LastKnownDeployments {
  private readonly entries = new Map<string, { deployment: deploymentV1.Deployment; at: number }>();
  private readonly now: () => number;

  constructor(private readonly o: LastKnownOptions) {
    this.now = o.now ?? Date.now;
  }

  async resolve(idOrName: string, ask: () => Promise<deploymentV1.Deployment | undefined>): Promise<deploymentV1.Deployment | undefined> {
    let deployment: deploymentV1.Deployment | undefined;
    try {
      deployment = await ask();
    } catch (err) {
      const code = codeOf(err);
      const known = this.entries.get(idOrName);
      if (UNREACHABLE.has(code) && known && this.now() - known.at <= this.o.maxAgeMs) return known.deployment;
      if (code === GrpcStatus.NOT_FOUND) this.entries.delete(idOrName);
      throw err;
    }
    this.entries.delete(idOrName);
    if (deployment) {
      this.entries.set(idOrName, { deployment, at: this.now() });
      if (this.entries.size > this.o.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return deployment;
  }
}
