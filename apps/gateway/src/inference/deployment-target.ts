import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import type { ContainerKind } from '../identity/container.entity';

/** The deployment a text request goes to: its own pool, the container it is billed to, the model its answers name. */
export interface DeploymentTarget {
  modelId: string;
  projectId: string;
  spaceId: string;
  shownModelId: string;
  /** The deployment's prompt template, or empty: its text requests are filled from it (deployment-prompt-template.ts). */
  promptTemplateId: string;
  /** A deployed AutoAI RAG pattern: its generation asks the documents service for the prompt (deployment-rag-pattern.ts). */
  ragPattern: { experimentId: string; patternName: string } | null;
}

const codeOf = (err: unknown) => (err instanceof PlatformError ? err.grpcCode : (err as { code?: unknown } | null)?.code);

/**
 * The deployment `idOrName` names, if the caller may use it: `resolve` finds it (NOT_FOUND when there is none), `check`
 * is the caller's access to its project or space. A deployment the caller may not use (not a member: 403; its container
 * gone: 404) answers exactly as one that does not exist, so ids and serving names of other projects do not leak.
 */
export async function visibleDeployment(
  idOrName: string,
  resolve: () => Promise<deploymentV1.Deployment | undefined>,
  check: (kind: ContainerKind, id: string) => Promise<unknown>,
): Promise<deploymentV1.Deployment> {
  const unknown = () => PlatformError.notFound(`The deployment '${idOrName}' was not found.`, 'deployment_not_found');
  try {
    const d = await resolve();
    if (!d) throw unknown();
    await check(d.spaceId ? 'space' : 'project', d.spaceId || d.projectId);
    return d;
  } catch (err) {
    const code = codeOf(err);
    if (code === GrpcStatus.NOT_FOUND || code === GrpcStatus.PERMISSION_DENIED) throw unknown();
    throw err;
  }
}

/**
 * Where a deployment's text requests go, if it serves: `ready`, or `updating` (a swap: the replicas serving it answer
 * until the new ones take over). One still starting is 503 `deployment_not_ready` (try again once status.state is
 * ready); one that failed is 409 `deployment_failed` with its failure message. Answers name the deployment's base model
 * rather than its own pool.
 */
export function servingTarget(d: deploymentV1.Deployment, idOrName: string): DeploymentTarget {
  const state = d.status?.state;
  if (state === 'failed')
    throw new PlatformError(
      GrpcStatus.ABORTED,
      'deployment_failed',
      `The deployment '${idOrName}' failed: ${d.status?.failureMessage || 'no replica could start'}. Update or delete it.`,
    );
  if (state !== 'ready' && state !== 'updating')
    throw new PlatformError(
      GrpcStatus.UNAVAILABLE,
      'deployment_not_ready',
      `The deployment '${idOrName}' is ${state || 'initializing'}, not ready yet; try again once its status.state is ready.`,
    );
  return {
    modelId: d.modelId,
    projectId: d.projectId,
    spaceId: d.spaceId,
    shownModelId: d.baseModelId || d.modelId,
    promptTemplateId: d.promptTemplateId,
    ragPattern: d.deployedAssetType === 'autoai_rag_pattern' ? { experimentId: d.ragExperimentId, patternName: d.ragPatternName } : null,
  };
}
