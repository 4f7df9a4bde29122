import type { TokenLogprob } from '@platform/engine';

/** OpenAI/vLLM logprob payloads built from the engine's per-token logprobs. vLLM floors -inf at -9999. */

const floor = (lp: number): number => (Number.isFinite(lp) ? Math.max(lp, -9999) : -9999);

export interface CompletionLogprobs {
  text_offset: number[];
  token_logprobs: (number | null)[];
  tokens: string[];
  top_logprobs: (Record<string, number> | null)[];
}

/** Accumulates the legacy completions shape; `offset` is where the choice's text starts (prompt length on echo). */
export class CompletionLogprobsBuilder {
  readonly value: CompletionLogprobs = { text_offset: [], token_logprobs: [], tokens: [], top_logprobs: [] };

  constructor(
    private offset: number,
    private readonly topN: number,
  ) {}

  /**
   * Prompt tokens echoed back (the first has no logprob), each at its given offset in the echoed text;
   * generated tokens then start at `textLength`.
   */
  addPrompt(tokens: string[], offsets: number[], logprobs: (TokenLogprob | null)[] | undefined, textLength: number): void {
    tokens.forEach((token, i) => {
      this.offset = offsets[i];
      this.push(token, logprobs?.[i] ?? null);
    });
    this.offset = textLength;
  }

  add(logprobs: TokenLogprob[] | undefined): CompletionLogprobs {
    const start = this.value.tokens.length;
    for (const lp of logprobs ?? []) this.push(lp.token, lp);
    return {
      text_offset: this.value.text_offset.slice(start),
      token_logprobs: this.value.token_logprobs.slice(start),
      tokens: this.value.tokens.slice(start),
      top_logprobs: this.value.top_logprobs.slice(start),
    };
  }

  private push(token: string, lp: TokenLogprob | null): void {
    this.value.text_offset.push(this.offset);
    this.offset += token.length;
    this.value.tokens.push(token);
    this.value.token_logprobs.push(lp ? floor(lp.logprob) : null);
    if (!lp) {
      this.value.top_logprobs.push(null);
      return;
    }
    // vLLM lists the sampled token first, then the top alternatives.
    const top: Record<string, number> = { [lp.token]: floor(lp.logprob) };
    for (const alt of lp.top.slice(0, this.topN)) if (!(alt.token in top)) top[alt.token] = floor(alt.logprob);
    this.value.top_logprobs.push(top);
  }
}

export interface ChatLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

const bytesOf = (s: string): number[] => [...Buffer.from(s, 'utf8')];

export function chatLogprobs(logprobs: TokenLogprob[] | undefined, topN: number): ChatLogprob[] {
  return (logprobs ?? []).map((lp) => ({
    token: lp.token,
    logprob: floor(lp.logprob),
    bytes: bytesOf(lp.token),
    top_logprobs: lp.top.slice(0, topN).map((alt) => ({ token: alt.token, logprob: floor(alt.logprob), bytes: bytesOf(alt.token) })),
  }));
}

/** vLLM's `prompt_logprobs`: per prompt token, null for the first, else {token_id: {logprob, rank, decoded_token}}. */
export type PromptLogprobs = (Record<string, { logprob: number; rank: number | null; decoded_token: string }> | null)[];

export function promptLogprobs(logprobs: (TokenLogprob | null)[] | undefined, promptLen: number): PromptLogprobs {
  const out: PromptLogprobs = [];
  for (let i = 0; i < promptLen; i++) {
    const lp = logprobs?.[i];
    if (!lp) {
      out.push(null);
      continue;
    }
    const entry: Record<string, { logprob: number; rank: number | null; decoded_token: string }> = {
      [lp.tokenId]: { logprob: floor(lp.logprob), rank: lp.rank, decoded_token: lp.token },
    };
    lp.top.forEach((alt, r) => {
      if (!(alt.tokenId in entry)) entry[alt.tokenId] = { logprob: floor(alt.logprob), rank: r + 1, decoded_token: alt.token };
    });
    out.push(entry);
  }
  return out;
}
