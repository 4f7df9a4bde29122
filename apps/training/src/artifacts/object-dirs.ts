import { createReadStream, createWriteStream, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@platform/object-store';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/**
 * Uploads every file of `dir` under `prefix` (which ends in "/"). The weights go last, so a reader that sees
 * model.safetensors finds the config and tokenizer next to it.
 */
export async function uploadDir(store: ObjectStore, dir: string, prefix: string): Promise<number> {
  const files = filesUnder(dir).sort(
    (a, b) => Number(a.endsWith('.safetensors')) - Number(b.endsWith('.safetensors')) || a.localeCompare(b),
  );
  for (const f of files) {
    const key = prefix + relative(dir, f).split(sep).join('/');
    // Small files go as buffers; large ones stream in parts.
    await store.put(key, statSync(f).size < 8 << 20 ? readFileSync(f) : createReadStream(f));
  }
  return files.length;
}

/** Downloads every object under `prefix` into `dir`, keeping the relative layout. */
export async function downloadPrefix(store: ObjectStore, prefix: string, dir: string): Promise<number> {
  let n = 0;
  for await (const key of store.list(prefix)) {
    const rel = key.slice(prefix.length);
    if (rel === '' || rel.split('/').includes('..')) continue;
    const target = join(dir, ...rel.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    await pipeline(await store.get(key), createWriteStream(target));
    n++;
  }
  return n;
}

/** Server-side copy is not in the store interface: objects are streamed through this process. */
export async function copyPrefix(store: ObjectStore, from: string, to: string): Promise<number> {
  const keys: string[] = [];
  for await (const key of store.list(from)) keys.push(key);
  keys.sort((a, b) => Number(a.endsWith('.safetensors')) - Number(b.endsWith('.safetensors')) || a.localeCompare(b));
  for (const key of keys) await store.put(to + key.slice(from.length), await store.get(key));
  return keys.length;
}

export async function downloadFile(store: ObjectStore, key: string, target: string): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  await pipeline(await store.get(key), createWriteStream(target));
}
