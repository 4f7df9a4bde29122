import type { GenerationEvent, ServedModel } from '@platform/engine';

/**
 * The text of one choice as it grows. The engine's event text skips special tokens; with vLLM's
 * `skip_special_tokens: false` the text is re-decoded from the token ids instead, keeping them.
 */
export class OutputText {
  private readonly ids: number[] = [];
  private emitted = '';

  constructor(
    private readonly model: ServedModel,
    private readonly skipSpecialTokens: boolean,
    private readonly includeStopStr: boolean,
  ) {}

  /** Adds one event and returns the new text it contributes. */
  push(event: GenerationEvent): string {
    if (this.skipSpecialTokens) {
      this.emitted += event.text;
      return event.text;
    }
    this.ids.push(...event.tokenIds);
    let full = this.model.decode(this.ids, false);
    if (event.finishReason && typeof event.stopReason === 'string' && !this.includeStopStr) {
      const at = full.lastIndexOf(event.stopReason);
      if (at >= 0) full = full.slice(0, at);
    }
    // An incomplete UTF-8 sequence decodes to U+FFFD; wait for the rest of it.
    if (!event.finishReason && full.endsWith('\uFFFD')) return '';
    if (!full.startsWith(this.emitted)) return '';
    const delta = full.slice(this.emitted.length);
    this.emitted = full;
    return delta;
  }

  get text(): string {
    return this.emitted;
  }
}
