import type { inferenceV1 } from '@platform/contracts';
import { finishReason } from './openai-mapping';

/** OpenAI's legacy completions `logprobs`: parallel lists, one entry per token. */
export interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}

export interface CompletionChoiceOptions {
  /** OpenAI `echo`: the prompt comes first in the choice's text (and its tokens first in logprobs). */
  echo: boolean;
  prompt: string;
  /** OpenAI `logprobs` (alternatives per token); undefined: none asked for. */
  logprobs?: number;
}

/** A token's alternatives as vLLM lists them: the token itself first, then the likeliest others. */
function alternatives(t: inferenceV1.GeneratedToken): Record<string, number> | null {
  if (t.logprob === undefined) return null;
  const top: Record<string, number> = { [t.text]: t.logprob };
  for (const c of t.topTokens) if (c.logprob !== undefined && !(c.text in top)) top[c.text] = c.logprob;
  return top;
}

/**
 * One completion choice as it streams: each watsonx result of its generation becomes the choice's next text and
 * logprobs. Offsets point into the choice's text (the echoed prompt included): a token whose text is found where the
 * previous one ended starts there; one that is not (a special token such as BOS, part of a multi-byte character)
 * takes the current position and moves it on by nothing.
 */
export class CompletionChoice {
  private text = '';
  private position = 0;
  private started = false;
  finish: string | null = null;
  promptTokens = 0;
  completionTokens = 0;

  constructor(
    readonly index: number,
    private readonly o: CompletionChoiceOptions,
  ) {}

  /** This result's part of the choice: new text, its logprobs (or null), and the finish reason once it ends. */
  push(r: inferenceV1.GenerationResult | undefined): {
    index: number;
    text: string;
    logprobs: LegacyLogprobs | null;
    finish_reason: string | null;
  } {
    const out: LegacyLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
    let text = '';
    if (!this.started) {
      this.started = true;
      if (this.o.echo) {
        text = this.o.prompt;
        this.text = this.o.prompt;
        if (this.o.logprobs !== undefined) for (const t of r?.inputTokens ?? []) this.add(out, t);
        this.position = this.o.prompt.length;
      }
    }
    const generated = r?.generatedText ?? '';
    text += generated;
    this.text += generated;
    if (this.o.logprobs !== undefined) for (const t of r?.generatedTokens ?? []) this.add(out, t);
    this.promptTokens = r?.inputTokenCount || this.promptTokens;
    this.completionTokens = r?.generatedTokenCount ?? this.completionTokens;
    this.finish = finishReason(r?.stop);
    return { index: this.index, text, logprobs: this.o.logprobs === undefined ? null : out, finish_reason: this.finish };
  }

  private add(out: LegacyLogprobs, t: inferenceV1.GeneratedToken): void {
    const at = this.position;
    if (t.text && this.text.startsWith(t.text, at)) this.position += t.text.length;
    out.tokens.push(t.text);
    out.token_logprobs.push(t.logprob ?? null);
    out.top_logprobs.push(alternatives(t));
    out.text_offset.push(at);
  }
}
