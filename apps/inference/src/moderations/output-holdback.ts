import { inferenceV1 } from '@platform/contracts';
import { checkText } from './check-text';
import { lastCompleteSentenceEnd } from './hap/sentences';
import type { ModerationPolicy } from './policy';
import type { HapScorer } from './types';

type Result = inferenceV1.GenerationResult;

/**
 * Text held back longest when no sentence ends: past this the stream is cut at the last whitespace so a client is
 * never starved. An entity written across that cut (a phone number with spaces) can then go undetected.
 */
export const MAX_HOLD_CHARS = 1000;

function cutPoint(pending: string, final: boolean): number {
  if (final) return pending.length;
  const sentence = lastCompleteSentenceEnd(pending);
  if (sentence > 0 || pending.length < MAX_HOLD_CHARS) return sentence;
  const space = pending.search(/\s\S*$/);
  return space > 0 ? space + 1 : pending.length;
}

/**
 * Output moderation of a generation stream. Text is held back until a sentence is complete (a boundary followed
 * by whitespace, or the end of the generation), then checked and released, masked where the request asks. Why hold
 * back rather than check each chunk as it comes: an email or phone number arrives over several tokens, and HAP is
 * scored per sentence, so a chunk on its own can neither be judged nor masked, and text already sent cannot be
 * taken back. The cost is latency: a client sees text a sentence at a time. Counts are the running totals of the
 * last chunk taken in; positions of findings are over the whole generated text, as in the unary response.
 */
export async function* moderateOutput(
  results: AsyncIterable<Result>,
  policy: ModerationPolicy,
  scorer: HapScorer,
  signal: AbortSignal,
): AsyncGenerator<Result> {
  let pending = '';
  let released = 0;
  // Token texts spell the same output: each is held with the text it belongs to and leaves masked like that text.
  const tokens = new TokenHoldback();
  let releasedText = '';
  let inputText = '';
  // Like input_text, the prompt's tokens come on the first item and leave with the first released text.
  let inputTokens: inferenceV1.GeneratedToken[] = [];
  let sent = false;
  let last: Result | undefined;
  try {
    for await (const r of results) {
      last = r;
      pending += r.generatedText;
      tokens.add(r.generatedTokens);
      inputText ||= r.inputText;
      inputTokens.push(...r.inputTokens);
      const final = r.stop !== inferenceV1.StopReason.STOP_REASON_NOT_FINISHED;
      const cut = cutPoint(pending, final);
      if (cut === 0 && !final) continue;
      const piece = pending.slice(0, cut);
      pending = pending.slice(cut);
      const { findings, masked } = await checkText(piece, released, 'output', policy, scorer, signal);
      released += piece.length;
      releasedText += masked;
      const generatedTokens = tokens.release(final ? Infinity : released, releasedText);
      yield { ...r, generatedText: masked, generatedTokens, inputText, inputTokens, moderations: findings, warnings: r.warnings ?? [] };
      sent = true;
      inputText = '';
      inputTokens = [];
    }
  } catch (err) {
    // As the generation handler does: once a client has text, a failure (here: the HAP classifier) ends the stream
    // with STOP_REASON_ERROR and the held-back text is dropped, never released unchecked.
    if (!sent || signal.aborted) throw err;
    yield {
      inputTokens: [],
      generatedText: '',
      generatedTokenCount: last?.generatedTokenCount ?? 0,
      inputTokenCount: last?.inputTokenCount ?? 0,
      stopReason: '',
      stop: inferenceV1.StopReason.STOP_REASON_ERROR,
      generatedTokens: [],
      inputText: '',
      moderations: undefined,
      warnings: [],
    };
  }
}

/**
 * Holds generated tokens until all of their text has been checked, then gives them back with their text taken
 * from the released (masked) output, so a masked entity never leaks through `generated_tokens`.
 */
class TokenHoldback {
  private held: { token: inferenceV1.GeneratedToken; start: number; end: number }[] = [];
  private offset = 0;

  add(tokens: inferenceV1.GeneratedToken[]): void {
    for (const token of tokens) {
      const start = this.offset;
      this.offset += token.text.length;
      this.held.push({ token, start, end: this.offset });
    }
  }

  /** Tokens that lie wholly within the first `upTo` characters, their text read from `releasedText`. */
  release(upTo: number, releasedText: string): inferenceV1.GeneratedToken[] {
    const out: inferenceV1.GeneratedToken[] = [];
    while (this.held.length && this.held[0].end <= upTo) {
      const { token, start, end } = this.held.shift() as { token: inferenceV1.GeneratedToken; start: number; end: number };
      out.push({ ...token, text: releasedText.slice(start, end) });
    }
    return out;
  }
}
