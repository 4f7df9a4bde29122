import type { deploymentV1 } from '@platform/contracts';
import type { DeploymentEntity, DeploymentState } from './deployment.entity';

/** What a deployment's status shows: its own, or for a deployment on a base deployment, the base's. */
export interface LiveStatus {
  state: DeploymentState;
  statusMessage: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** Replicas of the current rev that are ready. */
  readyReplicas: number;
}

const DEFAULT_MESSAGES: Record<DeploymentState, string> = {
  initializing: 'The deployment is being initialized.',
  updating: 'The deployment is being updated.',
  ready: 'The deployment is successful',
  failed: 'The deployment failed.',
};

/** The status of a deployment whose base deployment is gone. */
export const BASE_GONE: LiveStatus = {
  state: 'failed',
  statusMessage: null,
  failureCode: 'base_deployment_deleted',
  failureMessage: 'The base deployment this deployment uses was deleted.',
  readyReplicas: 0,
};

/** The one mapping of a deployment row to the contract's Deployment. */
export function toDeploymentMessage(row: DeploymentEntity, live: LiveStatus): deploymentV1.Deployment {
  const failed = live.state === 'failed';
  const spec = row.hardwareSpec;
  const request = row.hardwareRequest;
  return {
    id: row.id,
    projectId: row.projectId ?? '',
    spaceId: row.spaceId ?? '',
    name: row.name,
    description: row.description,
    tags: row.tags,
    customJson: row.custom ? JSON.stringify(row.custom) : '',
    assetId: row.assetId ?? '',
    promptTemplateId: row.promptTemplateId ?? '',
    baseModelId: row.baseModelId ?? '',
    baseDeploymentId: row.baseDeploymentId ?? '',
    servingName: row.servingName ?? '',
    onlineParametersJson: row.onlineParameters ? JSON.stringify(row.onlineParameters) : '',
    hardwareSpec: spec ? { id: spec.id ?? '', name: spec.name ?? '', numNodes: spec.num_nodes ?? 0 } : undefined,
    hardwareRequest: request ? { size: request.size ?? '', numNodes: request.num_nodes ?? 0 } : undefined,
    deployedAssetType: row.deployedAssetType,
    status: {
      state: live.state,
      messageLevel: failed ? 'error' : 'info',
      messageText: live.statusMessage || (failed && live.failureMessage) || DEFAULT_MESSAGES[live.state],
      failureCode: failed ? (live.failureCode ?? 'deployment_failed') : '',
      failureMessage: failed ? (live.failureMessage ?? live.statusMessage ?? DEFAULT_MESSAGES.failed) : '',
    },
    createdAt: row.createdAt,
    modifiedAt: row.modifiedAt,
    owner: row.createdBy,
    rev: row.rev,
    modelId: row.modelId,
    replicas: row.replicas,
    readyReplicas: live.readyReplicas,
    temporary: row.temporary,
    ragExperimentId: row.ragExperimentId ?? '',
    ragPatternName: row.ragPatternName ?? '',
  };
}
