/**
 * Jobs report progress often (every batch, every step); the row and its event get at most one write per
 * `intervalMs`, always the latest value, and writes never overlap. `flush()` writes what is pending (before the
 * final state change, so the last progress is on the row).
 */
export class ProgressThrottle<P> {
  private pending: P | undefined;
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (p: P) => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  report(p: P): void {
    this.pending = p;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, wait);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.drain();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private drain(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const p = this.pending;
      this.pending = undefined;
      if (p === undefined) return;
      this.lastWrite = Date.now();
      // A failed progress write is not worth failing the job for; the next one carries the newer value.
      await this.write(p).catch(() => undefined);
    });
    return this.writing;
  }
}
