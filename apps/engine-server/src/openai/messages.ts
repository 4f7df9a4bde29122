import type { ChatTemplateMessage, ServedModel } from '@platform/engine';
import { InvalidRequest } from '../errors';
import { type Json, asObject, optBool } from '../http/body';
import type { ToolRequest } from './tools/definitions';
import { describeTools, writeCalls } from './tools/format';
import { templateToolSupport } from './tools/template';

/** A call the assistant made earlier in the conversation, its arguments parsed from their JSON text. */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

export interface ChatMessage {
  role: string;
  content: string;
  toolCalls?: ChatToolCall[];
  toolCallId?: string;
  name?: string;
}

/**
 * OpenAI chat messages: content as a string or a list of text parts (other part types are refused), an assistant's
 * `tool_calls` and a tool message's `tool_call_id` and `name`.
 */
export function readMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidRequest('messages must be a non-empty list', 'messages');
  return value.map((raw, i) => {
    const m = asObject(raw, `messages[${i}]`);
    if (typeof m.role !== 'string') throw new InvalidRequest(`messages[${i}].role must be a string`, 'messages');
    const message: ChatMessage = { role: m.role, content: readContent(m.content, i) };
    if (m.tool_calls !== undefined && m.tool_calls !== null) message.toolCalls = readToolCalls(m.tool_calls, i);
    for (const [key, field] of [
      ['tool_call_id', 'toolCallId'],
      ['name', 'name'],
    ] as const) {
      const v = m[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') throw new InvalidRequest(`messages[${i}].${key} must be a string`, 'messages');
      message[field] = v;
    }
    return message;
  });
}

function readContent(content: unknown, i: number): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        const p = asObject(part, `messages[${i}].content[${j}]`);
        if (p.type !== 'text' || typeof p.text !== 'string')
          throw new InvalidRequest(`messages[${i}].content[${j}]: only text content parts are supported`, 'messages');
        return p.text;
      })
      .join('\n');
  }
  throw new InvalidRequest(`messages[${i}].content must be a string or a list of content parts`, 'messages');
}

/** Templates read arguments as objects (HF convention) while OpenAI sends their JSON text: parsed as vLLM does. */
function readToolCalls(value: unknown, i: number): ChatToolCall[] {
  if (!Array.isArray(value)) throw new InvalidRequest(`messages[${i}].tool_calls must be a list`, 'messages');
  return value.map((raw, j) => {
    const where = `messages[${i}].tool_calls[${j}]`;
    const call = asObject(raw, where);
    const fn = asObject(call.function, `${where}.function`);
    if (typeof fn.name !== 'string') throw new InvalidRequest(`${where}.function.name must be a string`, 'messages');
    const id = typeof call.id === 'string' ? call.id : '';
    let args: unknown = fn.arguments;
    if (args === undefined || args === null || args === '') args = {};
    else if (typeof args === 'string') {
      try {
        args = JSON.parse(args);
      } catch {
        throw new InvalidRequest(`${where}.function.arguments must be a JSON text`, 'messages');
      }
    }
    return { id, name: fn.name, arguments: args };
  });
}

/**
 * The messages as the chat template reads them. Tools go to the template as `tools`; a template without a tool syntax
 * of its own gets them described in the system message instead (unless tool_choice is "none"), and the assistant's
 * earlier calls written into its content in the format it is asked to answer in.
 */
function templateMessages(
  model: ServedModel,
  messages: ChatMessage[],
  tools: ToolRequest | undefined,
): { messages: ChatTemplateMessage[]; extra?: Record<string, unknown> } {
  const hasCalls = messages.some((m) => m.toolCalls?.length);
  if (!tools && !hasCalls) return { messages: messages.map((m) => ({ role: m.role, content: m.content })) };
  const support = templateToolSupport(model);
  const out: ChatTemplateMessage[] = messages.map((m) => {
    const t: ChatTemplateMessage = { role: m.role, content: m.content };
    if (m.toolCallId !== undefined) t.tool_call_id = m.toolCallId;
    if (m.name !== undefined) t.name = m.name;
    if (m.toolCalls?.length) {
      t.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      if (!support.rendersToolCalls) t.content = [m.content, writeCalls(support.format, m.toolCalls)].filter(Boolean).join('\n');
    }
    return t;
  });
  if (tools && tools.choice.kind !== 'none' && !support.rendersTools) {
    const description = describeTools(support.format, tools.tools);
    if (out[0].role === 'system') out[0] = { ...out[0], content: `${out[0].content}\n\n${description}` };
    else out.unshift({ role: 'system', content: description });
  }
  return { messages: out, extra: tools ? { tools: tools.tools.map((t) => t.template) } : undefined };
}

/**
 * Renders the conversation with the model's chat template. `continue_final_message` leaves the last
 * (assistant) message open so the model carries on writing it, as vLLM does.
 */
export function renderChat(model: ServedModel, messages: ChatMessage[], body: Json, tools?: ToolRequest): string {
  const continueFinal = optBool(body, 'continue_final_message') ?? false;
  const addGenerationPrompt = optBool(body, 'add_generation_prompt') ?? true;
  if (continueFinal && addGenerationPrompt && body.add_generation_prompt === true)
    throw new InvalidRequest('Cannot set both `continue_final_message` and `add_generation_prompt` to True.', 'continue_final_message');
  const { messages: rendered, extra } = templateMessages(model, messages, tools);
  if (!continueFinal) return model.applyChatTemplate(rendered, addGenerationPrompt, extra);
  const text = model.applyChatTemplate(rendered, false, extra);
  const last = rendered[rendered.length - 1].content;
  const at = last ? text.lastIndexOf(last) : -1;
  return at >= 0 ? text.slice(0, at + last.length) : text;
}
