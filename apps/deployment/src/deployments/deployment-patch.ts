import { PlatformError } from '@platform/common';
import type { DeploymentEntity, HardwareRequestRef, HardwareSpecRef } from './deployment.entity';
import {
  checkDescription,
  checkHardwareRequest,
  checkHardwareSpec,
  checkName,
  checkObject,
  checkOnlineParameters,
  checkRefId,
  checkTags,
  type OnlineParameters,
} from './deployment-fields';
import type { HardwareProfile } from './hardware-specs';
import { applyOperation, parsePatch, type PatchOperation } from './json-patch';

/** The members a PATCH may change (seed: /name … /base_model_id; /online/parameters is the `online` member's only child). */
const ROOTS = [
  'name',
  'description',
  'tags',
  'custom',
  'online',
  'asset',
  'prompt_template',
  'hardware_spec',
  'hardware_request',
  'base_model_id',
] as const;
export type PatchRoot = (typeof ROOTS)[number];
const SCALARS: readonly PatchRoot[] = ['name', 'description', 'base_model_id'];
const REPLACE_ONLY: readonly PatchRoot[] = ['asset', 'prompt_template', 'base_model_id'];
const ALLOWED =
  '/name, /description, /tags, /custom, /online/parameters, /asset, /prompt_template, /hardware_spec, /hardware_request, /base_model_id';

/** A deployment's patchable fields after the patch, checked against the seed's rules; `changed` names the members touched. */
export interface PatchedDeployment {
  changed: ReadonlySet<PatchRoot>;
  name: string;
  description: string;
  tags: string[];
  custom: Record<string, unknown> | null;
  online: OnlineParameters;
  assetId: string | null;
  promptTemplateId: string | null;
  hardware: { spec: HardwareSpecRef; profile: HardwareProfile } | null;
  hardwareRequest: HardwareRequestRef | null;
  baseModelId: string | null;
}

/** Whether a deployment runs replicas of its own (an asset deployment) rather than routing to a foundation model or a base deployment. */
export const hasOwnReplicas = (row: Pick<DeploymentEntity, 'replicas'>): boolean => row.replicas > 0;

function refuse(o: PatchOperation, why: string): PlatformError {
  return PlatformError.invalid(`${o.op} ${o.path}: ${why}`, o.path);
}

/** The seed's path rules, and those of the deployment's use case (what it has, what it may have). */
function checkPath(row: DeploymentEntity, o: PatchOperation): PatchRoot {
  const [first, second] = o.tokens;
  const root = ROOTS.find((r) => r === first);
  if (!root || (root === 'online' && second !== 'parameters')) throw refuse(o, `this path cannot be patched (allowed: ${ALLOWED}).`);
  if (SCALARS.includes(root) && o.tokens.length > 1) throw refuse(o, `/${root} is a single value.`);
  if (
    REPLACE_ONLY.includes(root) &&
    (o.op !== 'replace' || o.tokens.length > (root === 'base_model_id' ? 1 : 2) || (second !== undefined && second !== 'id'))
  )
    throw refuse(o, `/${root} can only be replaced${root === 'base_model_id' ? '' : ` (the whole object or its id)`}.`);
  if (root === 'asset' && !row.assetId) throw refuse(o, 'this deployment serves no asset.');
  if (root === 'prompt_template' && !row.promptTemplateId) throw refuse(o, 'this deployment has no prompt template.');
  if ((root === 'hardware_spec' || root === 'hardware_request') && !hasOwnReplicas(row))
    throw refuse(o, `${root} is not allowed for a deployment without a model server of its own.`);
  if (root === 'hardware_spec' && row.deployedAssetType === 'prompt_tune')
    throw refuse(o, 'hardware_spec is not allowed for a prompt tune deployment.');
  if (root === 'base_model_id' && (row.assetId || row.baseDeploymentId || !row.promptTemplateId))
    throw refuse(o, 'base_model_id can only be replaced on a prompt template deployment of a foundation model.');
  return root;
}

function documentOf(row: DeploymentEntity): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    name: row.name,
    description: row.description,
    tags: [...row.tags],
    online: row.onlineParameters ? { parameters: structuredClone(row.onlineParameters) } : {},
  };
  if (row.custom) doc.custom = structuredClone(row.custom);
  if (row.assetId) doc.asset = { id: row.assetId };
  if (row.promptTemplateId) doc.prompt_template = { id: row.promptTemplateId };
  if (row.hardwareSpec) doc.hardware_spec = structuredClone(row.hardwareSpec);
  if (row.hardwareRequest) doc.hardware_request = structuredClone(row.hardwareRequest);
  if (row.baseModelId) doc.base_model_id = row.baseModelId;
  return doc;
}

const refId = (value: unknown, field: string) =>
  checkRefId(typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined, field);

/**
 * Applies a JSON Patch (the seed's paths and ops only) to a deployment's fields and checks the result as a create
 * would: a path outside the seed's list, or one the deployment's use case does not have, is a 400 naming the path.
 */
export function patchDeployment(row: DeploymentEntity, patchJson: string): PatchedDeployment {
  const ops = parsePatch(patchJson);
  const doc = documentOf(row);
  const changed = new Set<PatchRoot>();
  for (const o of ops) {
    changed.add(checkPath(row, o));
    applyOperation(doc, o);
  }
  const online = checkObject(doc.online, 'online') ?? {};
  if (row.baseDeploymentId && changed.has('online') && online.parameters && (online.parameters as Record<string, unknown>).foundation_model)
    throw PlatformError.invalid(
      'online.parameters.foundation_model is not allowed in a prompt template deployment on a base deployment.',
      'online.parameters.foundation_model',
    );
  const needsHardware = hasOwnReplicas(row) && row.deployedAssetType !== 'prompt_tune';
  if (needsHardware && doc.hardware_spec === undefined)
    throw PlatformError.invalid(`hardware_spec is required in a ${row.deployedAssetType} deployment.`, 'hardware_spec');
  return {
    changed,
    name: checkName(doc.name),
    description: checkDescription(doc.description),
    tags: checkTags(doc.tags),
    custom: checkObject(doc.custom, 'custom'),
    online: checkOnlineParameters(online.parameters),
    assetId: row.assetId ? refId(doc.asset, 'asset.id') : null,
    promptTemplateId: row.promptTemplateId ? refId(doc.prompt_template, 'prompt_template.id') : null,
    hardware: doc.hardware_spec === undefined ? null : checkHardwareSpec(doc.hardware_spec),
    hardwareRequest: doc.hardware_request === undefined ? null : checkHardwareRequest(doc.hardware_request),
    baseModelId: row.baseModelId && doc.base_model_id !== undefined ? checkRefId(doc.base_model_id, 'base_model_id') : row.baseModelId,
  };
}
