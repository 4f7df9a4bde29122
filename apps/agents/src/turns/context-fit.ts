import { PlatformError } from '@platform/common';
import type { ModelPort } from './model-port';
import type { HistoryMessage } from './turn-types';

/** Tokens a chat template adds around each message (role markers, separators), and a margin for the template itself. */
export const MESSAGE_OVERHEAD_TOKENS = 8;
export const TEMPLATE_MARGIN_TOKENS = 16;
/**
 * What a model server's tool prompt adds around the definitions, counted by the model's own tokenizer: the built-in
 * engine's wording (vLLM's tool templates say about as much).
 */
export const TOOL_PROMPT_TEXT =
  'You have access to the following functions:\n\nTo call a function, reply with only a JSON object of the form ' +
  '{"name": <function-name>, "parameters": <args-json-object>}; separate several calls with "; ". Otherwise reply in plain text.';
/** Share of the context kept free for what the estimate cannot see (template tokens the tokenizer splits differently). */
export const CONTEXT_SLACK = 0.05;
/** The least room left for the answer before older history is dropped. */
export const MIN_ANSWER_TOKENS = 32;

export interface PromptParts {
  /** Earlier turns of the session, oldest first; whole turns are dropped, oldest first. */
  history: HistoryMessage[][];
  /** Retrieved passages; dropped from the last (least relevant) when the history is gone and it still does not fit. */
  passages: string[];
  /** Builds the system message from the passages kept. */
  system(passages: string[]): HistoryMessage;
  /** This turn's messages so far (never dropped). */
  current: HistoryMessage[];
  toolsJson: string;
}

export interface FittedPrompt {
  messages: HistoryMessage[];
  maxTokens: number;
  droppedTurns: number;
  droppedPassages: number;
}

/**
 * The prompt that fits the model's context with room for the answer: the whole session when it fits, else the
 * oldest turns dropped first, then the least relevant passages. One Tokenize call per attempt; the answer's budget is
 * what is left, at most `maxTokens`. A context the service does not know (0) keeps everything.
 */
export async function fitPrompt(
  port: ModelPort,
  target: { modelId: string; projectId: string },
  contextLength: number,
  parts: PromptParts,
  maxTokens: number,
  signal: AbortSignal,
): Promise<FittedPrompt> {
  let history = parts.history;
  let passages = parts.passages;
  for (;;) {
    const messages = [parts.system(passages), ...history.flat(), ...parts.current].filter((m) => m.role !== 'system' || m.content);
    const fitted = {
      messages,
      droppedTurns: parts.history.length - history.length,
      droppedPassages: parts.passages.length - passages.length,
    };
    if (contextLength <= 0) return { ...fitted, maxTokens };
    const text = [
      parts.toolsJson ? `${TOOL_PROMPT_TEXT}\n${parts.toolsJson}` : '',
      ...messages.map((m) => `${m.content}${(m.toolCalls ?? []).map((c) => c.name + c.arguments).join('')}`),
    ].join('\n');
    const used =
      (await port.countTokens(target.modelId, target.projectId, text, signal)) +
      messages.length * MESSAGE_OVERHEAD_TOKENS +
      TEMPLATE_MARGIN_TOKENS +
      Math.ceil(contextLength * CONTEXT_SLACK);
    const room = contextLength - used;
    if (room >= Math.min(maxTokens, MIN_ANSWER_TOKENS)) return { ...fitted, maxTokens: Math.min(maxTokens, room) };
    if (history.length === 0 && passages.length === 0) {
      if (room >= 1) return { ...fitted, maxTokens: room };
      throw PlatformError.invalid(
        `The agent's instructions and tools with this turn's messages need about ${used} tokens, more than model ${target.modelId} holds (${contextLength}) with room for an answer; shorten them.`,
        'messages',
      );
    }
    if (history.length) history = history.slice(1);
    else passages = passages.slice(0, -1);
  }
}
