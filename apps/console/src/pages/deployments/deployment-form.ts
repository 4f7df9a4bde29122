import type { DeploymentJson } from '@platform/api-types';

/**
 * The create form of the deployments page and the rules the deployment service applies to it
 * (apps/deployment/src/deployments/create-rules.ts, deployment-fields.ts): an asset deployment names a model asset
 * and a hardware spec with its replicas; a prompt template deployment names a saved template and the catalog model
 * it runs on, and no hardware. Problems are keyed by the API field they concern.
 */
export type DeploymentSource = 'asset' | 'prompt_template';

export interface DeploymentForm {
  source: DeploymentSource;
  name: string;
  description: string;
  servingName: string;
  assetId: string;
  hardwareSpec: string;
  replicas: string;
  promptTemplateId: string;
  baseModelId: string;
}

export const EMPTY_FORM: DeploymentForm = {
  source: 'prompt_template',
  name: '',
  description: '',
  servingName: '',
  assetId: '',
  hardwareSpec: 'PLATFORM-CPU',
  replicas: '1',
  promptTemplateId: '',
  baseModelId: '',
};

/** The deployment service's hardware specifications (PLATFORM-CPU: the built-in engine, the embedded default). */
export const HARDWARE_SPECS = ['PLATFORM-CPU', 'WX-S', 'WX-M', 'WX-L', 'WX-XL'] as const;
export const MAX_REPLICAS = 8;
const SERVING_NAME = /^[a-z0-9_]{1,36}$/;

export function formProblems(f: DeploymentForm): Record<string, string> {
  const problems: Record<string, string> = {};
  if (f.name.trim() === '') problems.name = 'A name is required.';
  else if (f.name.length > 250) problems.name = 'At most 250 characters.';
  if (f.description.length > 1000) problems.description = 'At most 1000 characters.';
  if (f.servingName !== '' && !SERVING_NAME.test(f.servingName))
    problems['online.parameters.serving_name'] = '1 to 36 characters of a-z, 0-9 and _.';
  if (f.source === 'asset') {
    if (!f.assetId) problems['asset.id'] = 'Choose a model asset.';
    const n = Number(f.replicas);
    if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) problems['hardware_spec.num_nodes'] = `Replicas must be 1 to ${MAX_REPLICAS}.`;
  } else {
    if (!f.promptTemplateId) problems['prompt_template.id'] = 'Choose a prompt template.';
    if (!f.baseModelId) problems.base_model_id = 'Choose the foundation model it runs on.';
  }
  return problems;
}

/** The body of POST /ml/v4/deployments for a form without problems. */
export function createBody(f: DeploymentForm, projectId: string): Record<string, unknown> {
  const common = {
    name: f.name,
    project_id: projectId,
    ...(f.description.trim() ? { description: f.description } : {}),
    online: { parameters: f.servingName ? { serving_name: f.servingName } : {} },
  };
  return f.source === 'asset'
    ? { ...common, asset: { id: f.assetId }, hardware_spec: { id: f.hardwareSpec, num_nodes: Number(f.replicas) } }
    : { ...common, prompt_template: { id: f.promptTemplateId }, base_model_id: f.baseModelId };
}

/** What a deployment serves, in words; `names` gives a template's or asset's name by id where known. */
export function servedBy(d: DeploymentJson, names: ReadonlyMap<string, string> = new Map()): string {
  const e = d.entity;
  const named = (id: string) => names.get(id) ?? id;
  if (e.prompt_template && e.base_model_id) return `template ${named(e.prompt_template.id)} on ${e.base_model_id}`;
  if (e.prompt_template && e.base_deployment_id) return `template ${named(e.prompt_template.id)} on deployment ${e.base_deployment_id}`;
  if (e.asset) return `${e.deployed_asset_type} ${named(e.asset.id)}`;
  return e.deployed_asset_type;
}

/** The serving name of a deployment, if it has one. */
export function servingNameOf(d: DeploymentJson): string | undefined {
  const s = d.entity.online.parameters?.serving_name;
  return typeof s === 'string' ? s : undefined;
}

/** Whether the list should be read again soon: a deployment is still starting or updating. */
export const settling = (list: readonly DeploymentJson[]) =>
  list.some((d) => d.entity.status.state === 'initializing' || d.entity.status.state === 'updating');
