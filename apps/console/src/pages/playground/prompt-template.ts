import type { ChatTurn } from './targets';
import type { PlaygroundMode } from './parameters';

/** What "save as prompt template" keeps: the playground as it is. */
export interface PlaygroundState {
  mode: PlaygroundMode;
  modelId: string;
  system: string;
  turns: readonly ChatTurn[];
  input: string;
  parameters: Record<string, unknown>;
}

/** Variables named in a template's text as `{name}`, as the prompts service renders them. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]{0,127})\}/g)].map((m) => m[1]))];
}

/**
 * The body of POST /v1/prompts: a chat template (input_mode chat, the system prompt and the turns as chat items) or a
 * free-form one (the input as its text); the parameters as `model_parameters`, and the `{variables}` the text names
 * declared without defaults.
 */
export function promptTemplateBody(name: string, description: string, s: PlaygroundState): Record<string, unknown> {
  const text = s.mode === 'chat' ? [s.system, ...s.turns.map((t) => t.content)].join('\n') : s.input;
  const variables = Object.fromEntries(variablesIn(text).map((v) => [v, {}]));
  const prompt =
    s.mode === 'chat'
      ? {
          model_id: s.modelId,
          model_parameters: s.parameters,
          data: {},
          ...(s.system.trim() ? { system_prompt: s.system } : {}),
          chat_items: s.turns.map((t) => ({ type: t.role === 'user' ? 'question' : 'answer', content: t.content })),
        }
      : { model_id: s.modelId, model_parameters: s.parameters, data: {}, input: [[s.input, '']] };
  return {
    name,
    ...(description.trim() ? { description } : {}),
    input_mode: s.mode === 'chat' ? 'chat' : 'freeform',
    task_ids: ['generation'],
    ...(Object.keys(variables).length ? { prompt_variables: variables } : {}),
    prompt,
  };
}

/** The template name's limits (1 to 255 characters): the message to show, or undefined when fine. */
export function templateNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'A name is required.';
  if (name.length > 255) return 'At most 255 characters.';
  return undefined;
}
