import { describe, expect, it } from 'vitest';
import type { ObjectHead } from './object-store';
import { headMany } from './head-many';

const headOf = (key: string): ObjectHead => ({ size: key.length, etag: key, lastModified: new Date(0) });

/** A store whose HEADs answer after a few turns of the event loop, counting how many are in flight at once. */
function slowStore(missing: Set<string> = new Set(), failing?: string) {
  const seen = { inFlight: 0, most: 0, started: [] as string[] };
  return {
    seen,
    head: async (key: string): Promise<ObjectHead | null> => {
      seen.started.push(key);
      seen.most = Math.max(seen.most, ++seen.inFlight);
      for (let i = 0; i < 1 + (key.length % 3); i++) await new Promise((resolve) => setImmediate(resolve));
      seen.inFlight--;
      if (key === failing) throw new Error(`head ${key} failed`);
      return missing.has(key) ? null : headOf(key);
    },
  };
}

describe('headMany', () => {
  it('answers every key in order, null where it is gone, with at most the given number in flight', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `k/${'x'.repeat(i % 5)}${i}`);
    const store = slowStore(new Set([keys[3], keys[50]]));
    const heads = await headMany(store, keys, 16);
    expect(heads).toEqual(keys.map((k, i) => (i === 3 || i === 50 ? null : headOf(k))));
    expect(store.seen.most).toBe(16);
  });

  it('makes no call for no keys, and uses fewer lanes than keys when they are few', async () => {
    const store = slowStore();
    expect(await headMany(store, [])).toEqual([]);
    expect(await headMany(store, ['a', 'b'], 16)).toEqual([headOf('a'), headOf('b')]);
    expect(store.seen.most).toBe(2);
  });

  it('rejects with the first failure and starts no more HEADs after it', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const store = slowStore(new Set(), 'k5');
    await expect(headMany(store, keys, 4)).rejects.toThrow('head k5 failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.seen.started.length).toBeLessThan(12);
  });
});
