import { CONTAINER_ID, PlatformError, fieldRuleMessage } from '@platform/common';
import type { HardwareRequestRef, HardwareSpecRef } from './deployment.entity';
import { hardwareProfile, type HardwareProfile } from './hardware-specs';
import type { Container } from './prompt-templates';

/** The seed's limits on a deployment's fields (`POST /ml/v4/deployments`), shared by create and PATCH. */
export const MAX_NAME_CHARS = 250;
export const MAX_DESCRIPTION_CHARS = 1000;
export const MAX_TAGS = 64;
const MAX_TAG_CHARS = 256;
/** watsonx: a serving name is 1-36 characters of lowercase letters, digits and "_". */
export const SERVING_NAME = /^[a-z0-9_]{1,36}$/;
/** Replicas of one deployment (`num_nodes`). */
export const MAX_REPLICAS = 8;
/** The seed's `base_deployment_id` rule. */
const BASE_DEPLOYMENT_ID = /^[-0-9a-z]{1,128}$/;
const HARDWARE_REQUEST_SIZES = ['gpu_s', 'gpu_m', 'gpu_l'];

const invalid = PlatformError.invalid;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Exactly one of project_id and space_id, each a lowercase UUID. */
export function checkContainer(projectId: string, spaceId: string): Container {
  if (projectId && spaceId) throw invalid('Only one of project_id and space_id may be given.', 'space_id');
  if (!projectId && !spaceId) throw invalid('Either project_id or space_id is required.', 'project_id');
  const field = projectId ? 'project_id' : 'space_id';
  const id = projectId || spaceId;
  if (!CONTAINER_ID.test(id)) throw invalid(fieldRuleMessage(CONTAINER_ID, field), field);
  return projectId ? { projectId, spaceId: null } : { projectId: null, spaceId };
}

export function checkName(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > MAX_NAME_CHARS)
    throw invalid(`name must be a string of 1 to ${MAX_NAME_CHARS} characters.`, 'name');
  return value;
}

export function checkDescription(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || value.length > MAX_DESCRIPTION_CHARS)
    throw invalid(`description must be a string of at most ${MAX_DESCRIPTION_CHARS} characters.`, 'description');
  return value;
}

export function checkTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_TAGS) throw invalid(`tags must be a list of at most ${MAX_TAGS} strings.`, 'tags');
  for (const tag of value as unknown[])
    if (typeof tag !== 'string' || tag.length < 1 || tag.length > MAX_TAG_CHARS)
      throw invalid(`Every tag must be a string of 1 to ${MAX_TAG_CHARS} characters.`, 'tags');
  return value as string[];
}

/** A JSON object field (`custom`, `online.parameters`), or null when absent. */
export function checkObject(value: unknown, field: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw invalid(`${field} must be a JSON object.`, field);
  return value;
}

/** A JSON object sent as text over gRPC ('' when absent). */
export function parseObject(json: string, field: string): Record<string, unknown> | null {
  if (!json) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid(`${field} must be a JSON object.`, field);
  }
  return checkObject(value, field);
}

export function checkServingName(value: unknown, field = 'online.parameters.serving_name'): string {
  if (typeof value !== 'string' || !SERVING_NAME.test(value))
    throw invalid(`serving_name must be 1 to 36 characters of a-z, 0-9 and "_" (^[a-z0-9_]{1,36}$).`, field);
  return value;
}

/** `online.parameters` checked: its serving name (null when none) and whether it sets `foundation_model`. */
export interface OnlineParameters {
  parameters: Record<string, unknown> | null;
  servingName: string | null;
  foundationModel: boolean;
}

export function checkOnlineParameters(value: unknown): OnlineParameters {
  const parameters = checkObject(value, 'online.parameters');
  if (!parameters) return { parameters: null, servingName: null, foundationModel: false };
  const name = parameters.serving_name;
  const servingName = name === undefined || name === null ? null : checkServingName(name);
  const fm = parameters.foundation_model;
  if (fm !== undefined && fm !== null) {
    checkObject(fm, 'online.parameters.foundation_model');
    const max = (fm as Record<string, unknown>).max_sequence_length;
    if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1))
      throw invalid('max_sequence_length must be a positive integer.', 'online.parameters.foundation_model.max_sequence_length');
  }
  return { parameters, servingName, foundationModel: fm !== undefined && fm !== null };
}

function checkNumNodes(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === 0) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_REPLICAS)
    throw invalid(`${field} must be an integer from 1 to ${MAX_REPLICAS}.`, field);
  return value as number;
}

/** A `hardware_spec` (by id or name) with its profile; num_nodes 1 to 8 (absent: 1). */
export function checkHardwareSpec(value: unknown): { spec: HardwareSpecRef; profile: HardwareProfile } {
  if (!isObject(value)) throw invalid('hardware_spec must be an object naming a hardware specification by id or name.', 'hardware_spec');
  const { id, name } = value;
  if ((id !== undefined && typeof id !== 'string') || (name !== undefined && typeof name !== 'string'))
    throw invalid('hardware_spec.id and hardware_spec.name must be strings.', 'hardware_spec');
  if (!id && !name) throw invalid('hardware_spec must name a hardware specification by id or name.', 'hardware_spec');
  const profile = hardwareProfile({ id: id || undefined, name: name || undefined });
  const numNodes = checkNumNodes(value.num_nodes, 'hardware_spec.num_nodes') ?? 1;
  return { spec: { ...(id ? { id } : {}), ...(name ? { name } : {}), num_nodes: numNodes }, profile };
}

/** A `hardware_request`: size gpu_s | gpu_m | gpu_l and num_nodes 1 to 8, both optional. */
export function checkHardwareRequest(value: unknown): HardwareRequestRef {
  if (!isObject(value)) throw invalid('hardware_request must be an object.', 'hardware_request');
  const { size } = value;
  if (size !== undefined && (typeof size !== 'string' || !HARDWARE_REQUEST_SIZES.includes(size)))
    throw invalid(`hardware_request.size must be one of ${HARDWARE_REQUEST_SIZES.join(', ')}.`, 'hardware_request.size');
  const numNodes = checkNumNodes(value.num_nodes, 'hardware_request.num_nodes');
  return { ...(size ? { size } : {}), ...(numNodes ? { num_nodes: numNodes } : {}) };
}

/** Replicas a deployment with its own model server wants: `hardware_request.num_nodes`, else `hardware_spec.num_nodes`, else 1. */
export function desiredReplicas(spec: HardwareSpecRef | null, request: HardwareRequestRef | null): number {
  return request?.num_nodes || spec?.num_nodes || 1;
}

export function checkBaseDeploymentId(value: string): string {
  if (!BASE_DEPLOYMENT_ID.test(value))
    throw invalid('base_deployment_id must be 1 to 128 characters of a-z, 0-9 and "-".', 'base_deployment_id');
  return value;
}

/** A reference id (`asset.id`, `prompt_template.id`, `base_model_id`): a non-empty string of at most 256 characters. */
export function checkRefId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 256)
    throw invalid(`${field} must be a non-empty string of at most 256 characters.`, field);
  return value;
}
