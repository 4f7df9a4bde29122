import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { decodeErrorDetails, unary } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import type { Observable } from 'rxjs';
import type { DataSource } from 'typeorm';
import { ModelAssetEntity, type ModelAssetType } from '../../assets/model-asset.entity';

/** A model asset row as the asset API would write it (the deployments API only reads them). */
export async function insertAsset(
  ds: DataSource,
  container: { projectId?: string; spaceId?: string },
  type: ModelAssetType = 'custom_foundation_model_1.0',
  contentPrefix = `custom_models/${randomUUID()}/`,
): Promise<ModelAssetEntity> {
  const repo = ds.getRepository(ModelAssetEntity);
  return repo.save(
    repo.create({
      projectId: container.projectId ?? null,
      spaceId: container.spaceId ?? null,
      name: 'asset',
      type,
      contentPrefix,
      baseModelId: 'ibm/granite-test',
      createdBy: 'test',
    }),
  );
}

/** A create request with every field empty or absent; tests set what their use case needs. */
export function createRequest(over: Partial<deploymentV1.CreateDeploymentRequest>): deploymentV1.CreateDeploymentRequest {
  return {
    projectId: '',
    spaceId: '',
    name: 'dep',
    description: '',
    tags: [],
    customJson: '',
    online: true,
    onlineParametersJson: '',
    createdBy: 'tester',
    ...over,
  };
}

export interface CallError {
  code: number;
  field?: string;
  message: string;
}

/** The gRPC status and the PlatformError details of a failed call; fails the test when the call succeeds. */
export async function failure(call: Observable<unknown> | Promise<unknown>): Promise<CallError> {
  try {
    await ('subscribe' in call ? unary(call) : call);
  } catch (err) {
    const e = err as { code?: number; details?: string; message?: string; target?: { name: string }; grpcCode?: number };
    if (e.grpcCode !== undefined) return { code: e.grpcCode, field: e.target?.name, message: e.message ?? '' };
    const details = decodeErrorDetails(e.details);
    return { code: e.code ?? GrpcStatus.UNKNOWN, field: details?.target?.name, message: details?.message ?? e.details ?? '' };
  }
  throw new Error('the call succeeded');
}

/**
 * An autoai_rag_pattern asset row as the asset API writes it once the documents service has shown it the completed
 * experiment and the pattern (that look-up is rag-pattern-assets.int.spec's and the documents e2e's): no weights, the
 * pattern's foundation model as its base model.
 */
export async function insertRagPatternAsset(
  ds: DataSource,
  container: { projectId?: string; spaceId?: string },
  pattern: { experimentId: string; patternName: string; modelId: string },
): Promise<ModelAssetEntity> {
  const repo = ds.getRepository(ModelAssetEntity);
  return repo.save(
    repo.create({
      projectId: container.projectId ?? null,
      spaceId: container.spaceId ?? null,
      name: `rag ${pattern.patternName}`,
      type: 'autoai_rag_pattern',
      contentPrefix: '',
      baseModelId: pattern.modelId,
      trainingId: pattern.experimentId,
      ragPatternName: pattern.patternName,
      custom: { pattern_name: pattern.patternName },
      createdBy: 'test',
    }),
  );
}
