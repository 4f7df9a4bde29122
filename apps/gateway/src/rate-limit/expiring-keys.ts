/**
 * Keys this replica knows to be refused until a moment (a drained bucket, a blocked account), so their next requests
 * are answered without a database round trip. Bounded: past `max` keys the oldest entry goes first, which only costs
 * that key one round trip more.
 */
export class ExpiringKeys {
  private readonly until = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  /** Milliseconds `key` stays refused (0: not known to be refused). */
  msLeft(key: string, now = Date.now()): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.until.delete(key);
    return 0;
  }

  add(key: string, ms: number, now = Date.now()): void {
    this.until.delete(key);
    if (this.until.size >= this.max) this.until.delete(this.until.keys().next().value as string);
    this.until.set(key, now + ms);
  }

  delete(key: string): void {
    this.until.delete(key);
  }
}
