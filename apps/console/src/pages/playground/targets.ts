import type { DeploymentJson, FoundationModelSpecJson } from '@platform/api-types';
import type { PlaygroundMode } from './parameters';

/** What the playground talks to: a model of the catalog, or a deployment of the project (its own replicas or template). */
export type Target = { kind: 'model'; id: string; label: string } | { kind: 'deployment'; id: string; label: string; templateId?: string };

export const API_VERSION = '2024-05-31';

/** The catalog's models that generate text, then the project's ready deployments. */
export function targetsOf(specs: readonly FoundationModelSpecJson[], deployments: readonly DeploymentJson[]): Target[] {
  const models: Target[] = specs
    .filter((s) => s.functions.some((f) => f.id === 'text_generation' || f.id === 'text_chat'))
    .map((s) => ({ kind: 'model', id: s.model_id, label: `${s.model_id} (${s.number_params})` }));
  const deployed: Target[] = deployments
    .filter((d) => d.entity.status.state === 'ready')
    .map((d) => {
      const serving = d.entity.online.parameters?.serving_name;
      const name = typeof serving === 'string' ? `${d.metadata.name} · ${serving}` : d.metadata.name;
      const templateId = d.entity.prompt_template?.id;
      return { kind: 'deployment', id: d.metadata.id, label: `Deployment: ${name}`, ...(templateId ? { templateId } : {}) };
    });
  return [...models, ...deployed];
}

/** A target as a select's value ("model:<id>" / "deployment:<id>") and back. */
export const targetKey = (t: Target) => `${t.kind}:${t.id}`;
export const targetByKey = (targets: readonly Target[], key: string) => targets.find((t) => targetKey(t) === key);

/** The streaming route for a target and mode. */
export function streamPath(target: Target, mode: PlaygroundMode): string {
  const route = mode === 'chat' ? 'chat_stream' : 'generation_stream';
  return target.kind === 'model' ? `/ml/v1/text/${route}` : `/ml/v1/deployments/${encodeURIComponent(target.id)}/text/${route}`;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** The body of a chat_stream call: the system prompt first, the turns so far, the chat parameters at the top level. */
export function chatBody(
  target: Target,
  projectId: string,
  system: string,
  turns: readonly ChatTurn[],
  parameters: Record<string, unknown>,
): Record<string, unknown> {
  const messages = [...(system.trim() ? [{ role: 'system', content: system }] : []), ...turns];
  return { ...(target.kind === 'model' ? { model_id: target.id } : {}), project_id: projectId, messages, ...parameters };
}

/** The body of a generation_stream call: the input and `parameters` (a template deployment takes variables instead). */
export function generationBody(
  target: Target,
  projectId: string,
  input: string,
  parameters: Record<string, unknown>,
  promptVariables?: Record<string, string>,
): Record<string, unknown> {
  const templated = target.kind === 'deployment' && target.templateId !== undefined;
  return {
    ...(target.kind === 'model' ? { model_id: target.id } : {}),
    project_id: projectId,
    ...(templated ? {} : { input }),
    parameters: { ...parameters, ...(templated && promptVariables ? { prompt_variables: promptVariables } : {}) },
  };
}
