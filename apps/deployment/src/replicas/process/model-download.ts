import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@platform/object-store';
import { ReplicaStartError } from '../replica-manager';

/** Copies every object under `prefix` into `dir`, keeping the relative paths; returns how many files. */
export async function downloadPrefix(store: ObjectStore, prefix: string, dir: string): Promise<number> {
  let count = 0;
  for await (const key of store.list(prefix)) {
    const rel = key.slice(prefix.length);
    if (!rel || rel.endsWith('/')) continue;
    const target = join(dir, rel);
    // A key with `..` must not write outside the model directory.
    if (relative(dir, target).startsWith(`..${sep}`)) throw new ReplicaStartError(`object key ${key} escapes the model directory`);
    await mkdir(dirname(target), { recursive: true });
    await pipeline(await store.get(key), createWriteStream(target));
    count++;
  }
  return count;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The weights of each deployment rev, downloaded once into `<rev dir>/model` however many replicas of that rev start
 * (concurrent starts share one download). A download is complete once `model.complete` is written next to it; one a
 * crash interrupted is started over.
 */
export class ModelDownloads {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly store: ObjectStore) {}

  ensure(revDir: string, prefix: string): Promise<string> {
    let p = this.pending.get(revDir);
    if (!p) {
      p = this.download(revDir, prefix).finally(() => this.pending.delete(revDir));
      this.pending.set(revDir, p);
    }
    return p;
  }

  private async download(revDir: string, prefix: string): Promise<string> {
    const dir = join(revDir, 'model');
    const marker = join(revDir, 'model.complete');
    if (await exists(marker)) return dir;
    const partial = join(revDir, 'model.partial');
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    const files = await downloadPrefix(this.store, prefix, partial);
    if (files === 0) throw new ReplicaStartError(`no model files under ${prefix} in the bucket`);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    await writeFile(marker, `${prefix}\n`);
    return dir;
  }
}
