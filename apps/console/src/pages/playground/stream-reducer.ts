import type { TextChatChunkJson, TextGenerationJson } from '@platform/api-types';

/** What a stream has produced so far: the text, the token counts, and why it stopped once it did. */
export interface StreamOutput {
  text: string;
  inputTokens?: number;
  outputTokens?: number;
  stopReason?: string;
}

export const EMPTY_OUTPUT: StreamOutput = { text: '' };

/**
 * One chat_stream event folded in: choice 0's delta appended, its finish reason kept; the usage event (no choices)
 * gives the token counts.
 */
export function foldChat(out: StreamOutput, chunk: TextChatChunkJson): StreamOutput {
  const choice = chunk.choices.find((c) => c.index === 0);
  return {
    text: out.text + (choice?.delta.content ?? ''),
    inputTokens: chunk.usage?.prompt_tokens ?? out.inputTokens,
    outputTokens: chunk.usage?.completion_tokens ?? out.outputTokens,
    stopReason: choice?.finish_reason ?? out.stopReason,
  };
}

/** One generation_stream event folded in: each adds its text and carries the counts so far. */
export function foldGeneration(out: StreamOutput, event: TextGenerationJson): StreamOutput {
  const r = event.results[0];
  if (!r) return out;
  return {
    text: out.text + r.generated_text,
    inputTokens: r.input_token_count || out.inputTokens,
    outputTokens: r.generated_token_count,
    stopReason: r.stop_reason && r.stop_reason !== 'not_finished' ? r.stop_reason : out.stopReason,
  };
}
