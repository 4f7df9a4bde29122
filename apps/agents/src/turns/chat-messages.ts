import type { inferenceV1 } from '@platform/contracts';
import type { HistoryMessage } from './turn-types';

/** A history message as the inference contract's chat message. */
export function toChatMessage(m: HistoryMessage): inferenceV1.ChatMessage {
  return {
    role: m.role,
    content: m.content,
    contentParts: [],
    name: m.name ?? '',
    toolCallId: m.toolCallId ?? '',
    toolCalls: (m.toolCalls ?? []).map((c, index) => ({
      id: c.id,
      type: 'function',
      index,
      function: { name: c.name, arguments: c.arguments },
    })),
  };
}

/** Arguments arrive as JSON text; the draft wants an object, so anything else is kept under `arguments`. */
export function toolArguments(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { arguments: parsed };
  } catch {
    return { arguments: text };
  }
}
