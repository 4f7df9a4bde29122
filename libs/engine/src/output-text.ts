/**
 * Incremental detokenisation with stop strings, as vLLM does it: the output is re-decoded as a whole each
 * step (so multi-token characters and leading-space rules come out right) and only the part that can no
 * longer change is released. Text is held back while it might be the start of a stop string or ends in an
 * incomplete UTF-8 character (decoded as U+FFFD), so a client never sees text that later gets trimmed.
 */
export interface TextUpdate {
  delta: string;
  /** The stop string that matched, when one did; the text is already cut there. */
  stop?: string;
}

export class OutputText {
  private emitted = 0;
  private readonly maxStopLen: number;

  constructor(
    private readonly decode: (ids: number[]) => string,
    private readonly stops: string[],
    private readonly includeStop: boolean,
  ) {
    this.stops = stops.filter((s) => s.length > 0);
    this.maxStopLen = this.stops.reduce((m, s) => Math.max(m, s.length), 0);
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
    const full = this.decode(ids);
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
