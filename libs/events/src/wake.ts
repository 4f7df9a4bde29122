/** A sleep that can be cut short: `wait(ms)` resolves after `ms` or at the next `wake()`, whichever comes first. */
export class Waker {
  private pending: (() => void) | undefined;
  private woken = false;

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.pending === done) this.pending = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending = done;
    });
  }

  /** Ends the current wait, or makes the next one return at once. */
  wake(): void {
    const p = this.pending;
    if (p) {
      this.pending = undefined;
      p();
    } else {
      this.woken = true;
    }
  }
}
