import type { ChatTemplateMessage, ServedModel } from '@platform/engine';
import { HERMES_OPEN, type ToolCallFormat } from './format';

/** What a model's chat template does with tools, learnt once per model by rendering a probe conversation. */
export interface TemplateToolSupport {
  /** The format the model's replies use for calls: the template's own (hermes) or the documented JSON one. */
  format: ToolCallFormat;
  /** The template writes the `tools` variable into the prompt; otherwise a system message describes them. */
  rendersTools: boolean;
  /** The template writes an assistant message's `tool_calls`; otherwise they are written into its content. */
  rendersToolCalls: boolean;
}

const PROBE = 'zq_probe_function_name';
const PROBE_TOOL = { type: 'function', function: { name: PROBE, description: 'probe', parameters: { type: 'object', properties: {} } } };
const PROBE_CALL: ChatTemplateMessage = {
  role: 'assistant',
  content: '',
  tool_calls: [{ id: 'call_probe', type: 'function', function: { name: PROBE, arguments: {} } }],
};

const cache = new WeakMap<ServedModel, TemplateToolSupport>();

/** A template that throws on the probe (one that refuses tool messages, say) is treated as having no tool syntax. */
function tryRender(model: ServedModel, messages: ChatTemplateMessage[], extra?: Record<string, unknown>): string {
  try {
    return model.applyChatTemplate(messages, true, extra);
  } catch {
    return '';
  }
}

export function templateToolSupport(model: ServedModel): TemplateToolSupport {
  const known = cache.get(model);
  if (known) return known;
  const user: ChatTemplateMessage = { role: 'user', content: 'hi' };
  const withTools = tryRender(model, [user], { tools: [PROBE_TOOL] });
  const withCall = tryRender(model, [user, PROBE_CALL]);
  const support: TemplateToolSupport = {
    format: withTools.includes(HERMES_OPEN) || withCall.includes(HERMES_OPEN) ? 'hermes' : 'json',
    rendersTools: withTools.includes(PROBE),
    rendersToolCalls: withCall.includes(PROBE),
  };
  cache.set(model, support);
  return support;
}
