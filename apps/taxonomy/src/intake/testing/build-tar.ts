import { Readable, pipeline } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

/** Test-only helpers that build archives in memory (or lazily, for bombs) with tar-stream. */
export interface TarEntrySpec {
  name: string;
  body?: string | Buffer;
  type?: Header['type'];
  linkname?: string;
  pax?: Record<string, string>;
}

export async function buildTar(entries: readonly TarEntrySpec[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const { name, body, type = 'file', linkname, pax } of entries) {
    const header = { name, type, linkname, pax, mode: type === 'directory' ? 0o755 : 0o644 };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      archive.entry(header, type === 'file' ? (body ?? '') : '', cb);
    });
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function buildTarGz(entries: readonly TarEntrySpec[]): Promise<Buffer> {
  return gzipSync(await buildTar(entries));
}

export interface ZeroBomb {
  /** The .tar.gz bytes, produced only as fast as they are read. */
  stream: Readable;
  /** How many uncompressed zero bytes have been generated so far. */
  produced(): number;
  stop(): void;
}

/**
 * A .tar.gz with one `size`-byte file of zeros, generated lazily so a 2 GiB bomb costs nothing unless the
 * reader really inflates it. `produced()` tells a test how far the reader let it get.
 */
export function zeroBomb(name: string, size: number): ZeroBomb {
  const archive = pack();
  const gzip = createGzip({ level: 9 });
  const block = Buffer.alloc(1024 * 1024);
  let produced = 0;
  const zeros = new Readable({
    read() {
      if (produced >= size) return void this.push(null);
      const n = Math.min(block.length, size - produced);
      produced += n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
  pipeline(zeros, archive.entry({ name, size, type: 'file' }), (err) => {
    if (!err) archive.finalize();
  });
  archive.pipe(gzip);
  return {
    stream: gzip,
    produced: () => produced,
    stop: () => {
      zeros.destroy();
      archive.destroy();
      gzip.destroy();
    },
  };
}
