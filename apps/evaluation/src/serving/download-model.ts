import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@platform/object-store';

/** Copies every object under `prefix` into `dir`, keeping the relative paths; returns how many files. */
export async function downloadPrefix(store: ObjectStore, prefix: string, dir: string): Promise<number> {
  let count = 0;
  for await (const key of store.list(prefix)) {
    const rel = key.slice(prefix.length);
    if (!rel || rel.endsWith('/')) continue;
    const target = join(dir, rel);
    // A key with `..` must not write outside the model directory.
    if (relative(dir, target).startsWith(`..${sep}`)) throw new Error(`object key ${key} escapes the model directory`);
    await mkdir(dirname(target), { recursive: true });
    await pipeline(await store.get(key), createWriteStream(target));
    count++;
  }
  return count;
}
