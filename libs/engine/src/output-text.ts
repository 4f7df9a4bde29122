/**
 * Incremental detokenisation with stop strings, as vLLM does it: the output is re-decoded as a whole each
 * step (so multi-token characters and leading-space rules come out right) and only the part that can no
 * longer change is released. Text is held back while it might be the start of a stop string or ends in an
 * incomplete UTF-8 character (decoded as U+FFFD), so a client never sees text that later gets trimmed.
 *
 * The output is decoded after a few of the prompt's last tokens (vLLM's prefix offset), and only what follows
 * their text is the output's: decoders that strip the start of a text (SentencePiece's `Strip` and `Metaspace`
 * remove the first token's leading space) would otherwise turn a completion `▁the` into "the", where vLLM
 * answers " the".
 */
export interface TextUpdate {
  delta: string;
  /** The stop string that matched, when one did; the text is already cut there. */
  stop?: string;
}

export class OutputText {
  private emitted = 0;
  private readonly maxStopLen: number;
  private readonly prefixText: string;

  /** `prefixIds`: the prompt's last tokens (see `detokenizationPrefix`), decoded before the output. */
  constructor(
    private readonly decode: (ids: number[]) => string,
    private readonly stops: string[],
    private readonly includeStop: boolean,
    private readonly prefixIds: readonly number[] = [],
  ) {
    this.stops = stops.filter((s) => s.length > 0);
    this.maxStopLen = this.stops.reduce((m, s) => Math.max(m, s.length), 0);
    this.prefixText = prefixIds.length > 0 ? decode([...prefixIds]) : '';
  }

  /** Text released so far. */
  get length(): number {
    return this.emitted;
  }

  /**
   * `ids`: all output tokens so far. `checkStops`: false while below minTokens. `final`: the sequence ends
   * this step for another reason, so everything held back is released.
   */
  update(ids: number[], checkStops: boolean, final: boolean): TextUpdate {
    const full = this.decodeOutput(ids);
    if (checkStops && this.stops.length > 0) {
      let at = -1;
      let hit: string | undefined;
      for (const s of this.stops) {
        const i = full.indexOf(s, this.emitted);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          hit = s;
        }
      }
      if (hit !== undefined) {
        const end = this.includeStop ? at + hit.length : at;
        return { delta: this.release(full, end), stop: hit };
      }
    }
    if (final) return { delta: this.release(full, full.length) };
    let end = full.length - this.partialStopSuffix(full);
    while (end > this.emitted && full.charCodeAt(end - 1) === 0xfffd) end--;
    return { delta: this.release(full, end) };
  }

  /** The output's text: what follows the prefix's. */
  private decodeOutput(ids: number[]): string {
    if (this.prefixIds.length === 0) return this.decode(ids);
    const whole = this.decode([...this.prefixIds, ...ids]);
    if (whole.startsWith(this.prefixText)) return whole.slice(this.prefixText.length);
    // The output changed how the prefix's end decodes (an invalid run of byte tokens spanning both becomes U+FFFD
    // per byte): what differs is the output's.
    let common = 0;
    while (common < this.prefixText.length && whole.charCodeAt(common) === this.prefixText.charCodeAt(common)) common++;
    return whole.slice(common);
  }

  private release(full: string, end: number): string {
    if (end <= this.emitted) return '';
    const delta = full.slice(this.emitted, end);
    this.emitted = end;
    return delta;
  }

  /** Length of the longest unreleased suffix of `full` that some stop string starts with. */
  private partialStopSuffix(full: string): number {
    const max = Math.min(this.maxStopLen - 1, full.length - this.emitted);
    for (let k = max; k > 0; k--) {
      const tail = full.slice(full.length - k);
      if (this.stops.some((s) => s.startsWith(tail))) return k;
    }
    return 0;
  }
}

/** vLLM's window: a prefix of 4 to 23 prompt tokens. */
const MIN_PREFIX = 4;
const MAX_PREFIX = 23;

/**
 * The prompt's last tokens to decode the output after, as vLLM chooses them: the shortest suffix of at least 4
 * tokens (the whole prompt when shorter) whose text has no U+FFFD, i.e. does not start or end inside a character;
 * the longest one tried when every one does. Where that prefix has no text (a prompt of special tokens only), the
 * `anchor` tokens (plain text) follow it, so the output's first space survives there too; vLLM loses it.
 */
export function detokenizationPrefix(
  promptIds: readonly number[],
  decode: (ids: number[]) => string,
  anchor: readonly number[] = [],
): number[] {
  const prefix = choosePrefix(promptIds, decode);
  return decode(prefix) === '' ? [...prefix, ...anchor] : prefix;
}

function choosePrefix(promptIds: readonly number[], decode: (ids: number[]) => string): number[] {
  if (promptIds.length <= MIN_PREFIX) return [...promptIds];
  const longest = Math.min(promptIds.length, MAX_PREFIX);
  for (let n = MIN_PREFIX; n <= longest; n++) {
    const suffix = promptIds.slice(promptIds.length - n);
    if (!decode(suffix).includes('\uFFFD')) return suffix;
  }
  return promptIds.slice(promptIds.length - longest);
}
