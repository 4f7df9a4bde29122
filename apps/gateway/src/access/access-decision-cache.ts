interface Entry<V> {
  value: V;
  expires: number;
}

/**
 * Positive decisions, each about one member of a group (a user's role on a container; whether the user or API key
 * behind a token still exists), kept for `ttlMs` (0 disables) and bounded to `maxEntries` (oldest groups evicted
 * first). `forget` drops a group and bumps an epoch, and a decision read from the database before the latest `forget`
 * is not stored, so a lookup racing a change cannot put the old answer back.
 */
export class AccessDecisionCache<V> {
  private readonly groups = new Map<string, Map<string, Entry<V>>>();
  private size = 0;
  epoch = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(group: string, member: string): V | undefined {
    if (this.ttlMs <= 0) return undefined;
    const members = this.groups.get(group);
    const entry = members?.get(member);
    if (!members || !entry) return undefined;
    if (entry.expires <= this.now()) {
      members.delete(member);
      this.size--;
      if (!members.size) this.groups.delete(group);
      return undefined;
    }
    return entry.value;
  }

  /** Stores a decision read from the database while the epoch was `readAtEpoch`. */
  set(group: string, member: string, value: V, readAtEpoch: number): void {
    if (this.ttlMs <= 0 || readAtEpoch !== this.epoch) return;
    let members = this.groups.get(group);
    if (!members) {
      while (this.size >= this.maxEntries && this.groups.size) this.evictOldest();
      members = new Map();
      this.groups.set(group, members);
    }
    if (!members.has(member)) this.size++;
    members.set(member, { value, expires: this.now() + this.ttlMs });
  }

  /** Forgets every decision of the group. */
  forget(group: string): void {
    this.epoch++;
    const members = this.groups.get(group);
    if (!members) return;
    this.size -= members.size;
    this.groups.delete(group);
  }

  private evictOldest(): void {
    const [group, members] = this.groups.entries().next().value as [string, Map<string, Entry<V>>];
    this.size -= members.size;
    this.groups.delete(group);
  }
}
