import { PlatformError } from '@platform/common';
import type { AgenticSystemTurn, DraftContent, DraftMessage, HistoryMessage } from './turn-types';

export const MAX_TURN_MESSAGES = 100;
export const MAX_MESSAGE_CHARS = 256 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A draft content as text: strings (or lists of them); attachments have no reader here and are refused by name. */
export function contentText(content: unknown, at: string): string {
  const parts = Array.isArray(content) ? content : [content];
  return parts
    .map((p, i) => {
      if (typeof p === 'string') return p;
      throw PlatformError.invalid(
        `${Array.isArray(content) ? `${at}[${i}]` : at}: attachments are not supported in agent turns; send text.`,
        Array.isArray(content) ? `${at}[${i}]` : at,
      );
    })
    .join('\n');
}

function parseJsonArray(json: string, field: string): unknown[] {
  if (!json) return [];
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw PlatformError.invalid(`${field} is not JSON.`, field);
  }
  if (!Array.isArray(v)) throw PlatformError.invalid(`${field} must be an array.`, field);
  return v;
}

/** The turn's new messages: user messages, or a tool message carrying the responses of a client-side tool call. */
export function parseTurnMessages(json: string): DraftMessage[] {
  const list = parseJsonArray(json, 'messages');
  if (list.length === 0) throw PlatformError.invalid('messages must have at least one message.', 'messages');
  if (list.length > MAX_TURN_MESSAGES) throw PlatformError.invalid(`messages has more than ${MAX_TURN_MESSAGES} messages.`, 'messages');
  return list.map((m, i) => {
    const at = `messages[${i}]`;
    if (!isObject(m)) throw PlatformError.invalid(`${at} must be a Message object.`, at);
    if (m.role !== 'user' && m.role !== 'tool')
      throw PlatformError.invalid(`${at}.role must be user or tool (the agent's instructions are its system message).`, `${at}.role`);
    const text = contentText(m.content, `${at}.content`);
    if (text.length > MAX_MESSAGE_CHARS)
      throw PlatformError.invalid(`${at}.content is longer than ${MAX_MESSAGE_CHARS} characters.`, `${at}.content`);
    const responses = Array.isArray(m.tool_responses) ? m.tool_responses : [];
    if (m.role === 'tool' && responses.length === 0)
      throw PlatformError.invalid(`${at}.tool_responses must answer the tool call the previous turn stopped with.`, `${at}.tool_responses`);
    const toolResponses = responses.map((r: unknown, j) => {
      const rAt = `${at}.tool_responses[${j}]`;
      if (!isObject(r) || typeof r.tool_name !== 'string') throw PlatformError.invalid(`${rAt} must be {tool_name, content}.`, rAt);
      return { tool_name: r.tool_name, content: contentText(r.content, `${rAt}.content`) };
    });
    return { role: m.role, content: text, tool_calls: [], tool_responses: toolResponses };
  });
}

/** A draft turn of the request's `turn_history` as history messages (the user's messages, tool steps, the answer). */
function turnHistory(turn: Record<string, unknown>, at: string): HistoryMessage[] {
  const out: HistoryMessage[] = [];
  const users = Array.isArray(turn.user_messages) ? turn.user_messages : [];
  users.forEach((m: unknown, i) => {
    if (isObject(m)) out.push({ role: 'user', content: contentText(m.content ?? '', `${at}.user_messages[${i}].content`) });
  });
  const response = turn.response_message;
  if (isObject(response)) out.push({ role: 'assistant', content: contentText(response.content ?? '', `${at}.response_message.content`) });
  return out;
}

/** The request's `turn_history` (used when the session has no stored turns of its own). */
export function parseTurnHistory(json: string): HistoryMessage[] {
  return parseJsonArray(json, 'turn_history').flatMap((t, i) => {
    if (!isObject(t)) throw PlatformError.invalid(`turn_history[${i}] must be an AgenticSystemTurn.`, `turn_history[${i}]`);
    return turnHistory(t, `turn_history[${i}]`);
  });
}

export const textOf = (content: DraftContent): string => (typeof content === 'string' ? content : contentText(content, 'content'));

/** The answer of a turn as the draft's Message. */
export function assistantMessage(text: string, toolCalls: AgenticSystemTurn['response_message']['tool_calls'] = []): DraftMessage {
  return { role: 'assistant', content: text, tool_calls: toolCalls, tool_responses: [] };
}
