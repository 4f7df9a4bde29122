import type { ObjectHead, ObjectStore } from './object-store';

/**
 * HEADs one call keeps in flight. A listing page names up to 500 keys; one HEAD per key at once opened as many
 * requests, sockets and (on a filesystem-backed server) files together, and a burst like that is what a store under
 * a low open-file limit answers with errors.
 */
export const HEAD_CONCURRENCY = 16;

/** The heads of `keys` in their order (null where the object is gone), at most `concurrency` requests at a time. */
export async function headMany(
  store: Pick<ObjectStore, 'head'>,
  keys: readonly string[],
  concurrency = HEAD_CONCURRENCY,
): Promise<(ObjectHead | null)[]> {
  const heads = new Array<ObjectHead | null>(keys.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    // After a failure the call has its answer: the other lanes start nothing more.
    while (!failed && next < keys.length) {
      const i = next++;
      try {
        heads[i] = await store.head(keys[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), keys.length) }, lane));
  return heads;
}
