import type { ServedModel } from '@platform/engine';
import { InvalidRequest } from '../errors';
import { type Json, asObject, optBool } from '../http/body';

export interface ChatMessage {
  role: string;
  content: string;
}

/** OpenAI chat messages, with content as a string or a list of text parts (other part types are refused). */
export function readMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidRequest('messages must be a non-empty list', 'messages');
  return value.map((raw, i) => {
    const m = asObject(raw, `messages[${i}]`);
    if (typeof m.role !== 'string') throw new InvalidRequest(`messages[${i}].role must be a string`, 'messages');
    return { role: m.role, content: readContent(m.content, i) };
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

/**
 * Renders the conversation with the model's chat template. `continue_final_message` leaves the last
 * (assistant) message open so the model carries on writing it, as vLLM does.
 */
export function renderChat(model: ServedModel, messages: ChatMessage[], body: Json): string {
  const continueFinal = optBool(body, 'continue_final_message') ?? false;
  const addGenerationPrompt = optBool(body, 'add_generation_prompt') ?? true;
  if (continueFinal && addGenerationPrompt && body.add_generation_prompt === true)
    throw new InvalidRequest('Cannot set both `continue_final_message` and `add_generation_prompt` to True.', 'continue_final_message');
  if (!continueFinal) return model.applyChatTemplate(messages, addGenerationPrompt);
  const rendered = model.applyChatTemplate(messages, false);
  const last = messages[messages.length - 1].content;
  const at = last ? rendered.lastIndexOf(last) : -1;
  return at >= 0 ? rendered.slice(0, at + last.length) : rendered;
}
