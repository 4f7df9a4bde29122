import type { ContainerKind } from '../identity/container.entity';
import type { MemberRole } from '../identity/membership.entity';

interface Entry {
  role: MemberRole;
  expires: number;
}

/**
 * Positive access decisions per (container, user) for `ttlMs` (0 disables), bounded to `maxEntries` (oldest
 * containers evicted first). `forget` bumps an epoch, and a decision read from the database before the latest
 * `forget` is not stored, so a lookup racing a membership change cannot put the old role back.
 */
export class AccessDecisionCache {
  private readonly byContainer = new Map<string, Map<string, Entry>>();
  private size = 0;
  epoch = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(kind: ContainerKind, id: string, userId: string): MemberRole | undefined {
    if (this.ttlMs <= 0) return undefined;
    const users = this.byContainer.get(`${kind}:${id}`);
    const entry = users?.get(userId);
    if (!users || !entry) return undefined;
    if (entry.expires <= this.now()) {
      users.delete(userId);
      this.size--;
      if (!users.size) this.byContainer.delete(`${kind}:${id}`);
      return undefined;
    }
    return entry.role;
  }

  /** Stores a decision read from the database while the epoch was `readAtEpoch`. */
  set(kind: ContainerKind, id: string, userId: string, role: MemberRole, readAtEpoch: number): void {
    if (this.ttlMs <= 0 || readAtEpoch !== this.epoch) return;
    const key = `${kind}:${id}`;
    let users = this.byContainer.get(key);
    if (!users) {
      while (this.size >= this.maxEntries && this.byContainer.size) this.evictOldest();
      users = new Map();
      this.byContainer.set(key, users);
    }
    if (!users.has(userId)) this.size++;
    users.set(userId, { role, expires: this.now() + this.ttlMs });
  }

  /** Forgets the container's decisions whatever kind they were asked under. */
  forget(id: string): void {
    this.epoch++;
    for (const kind of ['project', 'space'] as const) {
      const users = this.byContainer.get(`${kind}:${id}`);
      if (!users) continue;
      this.size -= users.size;
      this.byContainer.delete(`${kind}:${id}`);
    }
  }

  private evictOldest(): void {
    const [key, users] = this.byContainer.entries().next().value as [string, Map<string, Entry>];
    this.size -= users.size;
    this.byContainer.delete(key);
  }
}
