import { PlatformError } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import type { ModelAssetType } from '../assets/model-asset.entity';
import type { DeployedAssetType, HardwareSpecRef } from './deployment.entity';
import {
  checkBaseDeploymentId,
  checkContainer,
  checkDescription,
  checkHardwareSpec,
  checkName,
  checkOnlineParameters,
  checkRefId,
  checkTags,
  parseObject,
  type OnlineParameters,
} from './deployment-fields';
import type { HardwareProfile } from './hardware-specs';
import type { Container } from './prompt-templates';

/**
 * The seed's use cases of `POST /ml/v4/deployments`, told apart by the fields given: an asset (prompt tune, custom
 * foundation model, fine tuned model: which one follows from the asset's type), a prompt template on a foundation
 * model (`base_model_id`), or a prompt template on a deployment that serves a custom or fine tuned model
 * (`base_deployment_id`, no replicas of its own).
 */
export type CreateShape =
  | { kind: 'asset'; assetId: string; promptTemplateId: string | null }
  | { kind: 'prompt_template'; promptTemplateId: string; baseModelId: string }
  | { kind: 'base_deployment'; baseDeploymentId: string; promptTemplateId: string };

/** A create request whose fields meet the seed's rules, before its references are looked up. */
export interface CheckedCreate {
  container: Container;
  name: string;
  description: string;
  tags: string[];
  custom: Record<string, unknown> | null;
  online: OnlineParameters;
  hardware: { spec: HardwareSpecRef; profile: HardwareProfile } | null;
  shape: CreateShape;
}

const USE_CASE: Record<CreateShape['kind'], string> = {
  asset: 'an asset deployment',
  prompt_template: 'a prompt template deployment',
  base_deployment: 'a prompt template deployment on a base deployment',
};

function forbidden(field: string, useCase: string): PlatformError {
  return PlatformError.invalid(`${field} is not allowed in ${useCase}.`, field);
}

function required(field: string, useCase: string): PlatformError {
  return PlatformError.invalid(`${field} is required in ${useCase}.`, field);
}

/** A field the request sets (proto3 `optional`: absent arrives as undefined, or null from some decoders). */
const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;
const orUndefined = <T>(v: T | null | undefined): T | undefined => (given(v) ? v : undefined);

/** Which use case the request is, from the reference fields it sets; each forbids the others' fields. */
function shapeOf(req: deploymentV1.CreateDeploymentRequest): CreateShape {
  const [assetId, promptTemplateId, baseModelId, baseDeploymentId] = [
    req.assetId,
    req.promptTemplateId,
    req.baseModelId,
    req.baseDeploymentId,
  ].map(orUndefined);
  const template = promptTemplateId === undefined ? null : checkRefId(promptTemplateId, 'prompt_template.id');
  if (assetId !== undefined) {
    const useCase = USE_CASE.asset;
    if (baseDeploymentId !== undefined) throw forbidden('base_deployment_id', useCase);
    if (baseModelId !== undefined) throw forbidden('base_model_id', useCase);
    return { kind: 'asset', assetId: checkRefId(assetId, 'asset.id'), promptTemplateId: template };
  }
  if (baseDeploymentId !== undefined) {
    const useCase = USE_CASE.base_deployment;
    if (template === null) throw required('prompt_template.id', useCase);
    if (baseModelId !== undefined) throw forbidden('base_model_id', useCase);
    return { kind: 'base_deployment', baseDeploymentId: checkBaseDeploymentId(baseDeploymentId), promptTemplateId: template };
  }
  if (template !== null) {
    const useCase = USE_CASE.prompt_template;
    if (baseModelId === undefined) throw required('base_model_id', useCase);
    return { kind: 'prompt_template', promptTemplateId: template, baseModelId: checkRefId(baseModelId, 'base_model_id') };
  }
  throw PlatformError.invalid('A deployment needs asset.id, prompt_template.id or base_deployment_id.', 'asset.id');
}

/** The request's fields checked against the seed's limits and the rules of its use case (all but the asset's type). */
export function checkCreate(req: deploymentV1.CreateDeploymentRequest): CheckedCreate {
  const container = checkContainer(req.projectId, req.spaceId);
  const name = checkName(req.name);
  const description = checkDescription(req.description);
  const tags = checkTags(req.tags);
  const custom = parseObject(req.customJson, 'custom');
  const shape = shapeOf(req);
  const useCase = USE_CASE[shape.kind];
  if (!req.online) throw required('online', useCase);
  const online = checkOnlineParameters(parseObject(req.onlineParametersJson, 'online.parameters'));
  if (given(req.hardwareRequest)) throw forbidden('hardware_request', useCase);
  if (shape.kind !== 'asset') {
    if (given(req.hardwareSpec)) throw forbidden('hardware_spec', useCase);
    if (shape.kind === 'base_deployment' && online.foundationModel) throw forbidden('online.parameters.foundation_model', useCase);
  }
  const spec = req.hardwareSpec;
  const hardware = given(spec) ? checkHardwareSpec({ id: spec.id, name: spec.name, num_nodes: spec.numNodes }) : null;
  return { container, name, description, tags, custom, online, hardware, shape };
}

const ASSET_TYPES: Record<ModelAssetType, { deployed: DeployedAssetType; useCase: string }> = {
  'prompt_tune_1.0': { deployed: 'prompt_tune', useCase: 'a prompt tune deployment' },
  'custom_foundation_model_1.0': { deployed: 'custom_foundation_model', useCase: 'a custom foundation model deployment' },
  'fine_tune_1.0': { deployed: 'fine_tune', useCase: 'a fine tuned model deployment' },
  autoai_rag_pattern: { deployed: 'autoai_rag_pattern', useCase: 'an AutoAI RAG pattern deployment' },
};

/**
 * The rules that depend on the asset's type: a prompt tune takes no hardware; a custom foundation model or a fine
 * tuned model needs `hardware_spec`; an AutoAI RAG pattern runs no replicas of its own (its foundation model is the
 * inference service's) and fills its own prompt, so it takes neither hardware nor a prompt template. Returns the
 * deployment's `deployed_asset_type`.
 */
export function assetUseCase(assetType: ModelAssetType, checked: Pick<CheckedCreate, 'hardware' | 'shape'>): DeployedAssetType {
  const { deployed, useCase } = ASSET_TYPES[assetType];
  if (deployed === 'autoai_rag_pattern') {
    if (checked.hardware) throw forbidden('hardware_spec', useCase);
    if (checked.shape.kind === 'asset' && checked.shape.promptTemplateId) throw forbidden('prompt_template.id', useCase);
    return deployed;
  }
  if (deployed === 'prompt_tune' && checked.hardware) throw forbidden('hardware_spec', useCase);
  if (deployed !== 'prompt_tune' && !checked.hardware) throw required('hardware_spec', useCase);
  return deployed;
}

/** Whether an asset of this type may replace one of that type in a deployment (PATCH /asset): same kind of server. */
export function deployedTypeOf(assetType: ModelAssetType): DeployedAssetType {
  return ASSET_TYPES[assetType].deployed;
}
