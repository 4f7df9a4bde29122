import type { GenerationEvent } from '@platform/engine';

/**
 * The text of one choice as it grows. The engine detokenizes (after the prompt's last tokens, as vLLM does, so a
 * leading space survives), applies `skip_special_tokens` and trims stop strings; this only gathers its deltas.
 */
export class OutputText {
  private emitted = '';

  /** Adds one event and returns the new text it contributes. */
  push(event: GenerationEvent): string {
    this.emitted += event.text;
    return event.text;
  }

  get text(): string {
    return this.emitted;
  }
}
