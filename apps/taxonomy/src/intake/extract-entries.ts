import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { ByteBudget } from './byte-budget';
import { normalizeEntryPath } from './entry-path';
import { InvalidArchiveError, UnsafeArchiveError, quoteEntry } from './errors';
import { maxTarStreamBytes, type ArchiveLimits } from './limits';
import type { TarSource } from './open-tar-stream';

export interface ExtractedEntries {
  /** Regular files by normalised relative path. */
  files: Map<string, Buffer>;
  totalBytes: number;
}

/** Symlink targets are relative to the link's folder, hardlink targets to the archive root. */
function linkLeavesRoot(linkPath: string, target: string, symbolic: boolean): boolean {
  if (target.startsWith('/')) return true;
  const base = symbolic ? posix.dirname(linkPath) : '.';
  const resolved = posix.normalize(posix.join(base, target));
  return resolved === '..' || resolved.startsWith('../');
}

/** Checks one header against the rules before any of its body is read; returns the file's path, or null to skip. */
function admitEntry(
  header: Header,
  state: { entries: number; totalBytes: number; files: Map<string, Buffer> },
  limits: ArchiveLimits,
): string | null {
  const name = header.name;
  state.entries += 1;
  if (state.entries > limits.maxEntries) {
    throw new UnsafeArchiveError(
      'too-many-entries',
      `archive has more than ${limits.maxEntries} entries (refused at ${quoteEntry(name)})`,
      name,
    );
  }
  const path = normalizeEntryPath(name);
  switch (header.type) {
    case 'directory':
      return null;
    case 'file':
    case 'contiguous-file':
      break;
    case 'symlink':
    case 'link': {
      // All links are refused, not only escaping ones: a taxonomy never needs them, and a link that stays
      // inside the root today can be re-pointed by a later entry in the same archive.
      const target = header.linkname ?? '';
      const kind = header.type === 'symlink' ? 'symlink' : 'hardlink';
      const where = linkLeavesRoot(path, target, header.type === 'symlink') ? ', which points outside the archive root' : '';
      throw new UnsafeArchiveError(
        'link-entry',
        `entry ${quoteEntry(name)} is a ${kind} to ${quoteEntry(target)}${where}; links are not accepted`,
        name,
      );
    }
    default:
      throw new UnsafeArchiveError(
        'special-entry',
        `entry ${quoteEntry(name)} is a ${header.type ?? 'unknown type of'} entry; only files and directories are accepted`,
        name,
      );
  }
  if (path === '') throw new UnsafeArchiveError('unsafe-path', `file entry ${quoteEntry(name)} has no name`, name);
  const size = header.size ?? 0;
  if (size > limits.maxFileBytes) {
    throw new UnsafeArchiveError(
      'file-too-large',
      `entry ${quoteEntry(name)} is ${size} bytes, above the ${limits.maxFileBytes}-byte limit per file`,
      name,
    );
  }
  if (state.totalBytes + size > limits.maxTotalBytes) {
    throw new UnsafeArchiveError(
      'archive-too-large',
      `archive holds more than ${limits.maxTotalBytes} bytes of files (refused at ${quoteEntry(name)})`,
      name,
    );
  }
  // Later entries silently replace earlier ones in tar; for a reviewable upload that ambiguity is a refusal.
  if (state.files.has(path)) throw new UnsafeArchiveError('duplicate-entry', `entry ${quoteEntry(name)} appears more than once`, name);
  return path;
}

/**
 * Streams the archive through gunzip → byte budget → tar parser and keeps every regular file in memory.
 * Each header is judged before its body is read, so an oversized entry costs us one header, not its body.
 * The first failure settles the promise and destroys every stage (and so the source, e.g. an S3 download).
 * Errors keep their origin: the source's own (network) errors pass through unchanged, gzip and tar format
 * errors become InvalidArchiveError, and rule violations are UnsafeArchiveError.
 */
export function extractEntries(source: TarSource, limits: ArchiveLimits): Promise<ExtractedEntries> {
  return new Promise((resolve, reject) => {
    const state = { entries: 0, totalBytes: 0, files: new Map<string, Buffer>() };
    const gunzip = source.gzip ? createGunzip() : null;
    const budget = new ByteBudget(maxTarStreamBytes(limits));
    const parser = extract();
    // tar-stream is built on streamx, not node:stream; destroy() is all the stages have in common.
    const stages: Array<{ destroy(): unknown }> = [source.raw, ...(gunzip ? [gunzip] : []), budget, parser];
    let settled = false;

    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      for (const stage of stages) stage.destroy();
      reject(err);
    };
    const asInvalid = (what: string) => (err: Error) =>
      fail(
        err instanceof UnsafeArchiveError || err instanceof InvalidArchiveError
          ? err
          : new InvalidArchiveError(`${what}: ${err.message}`, { cause: err }),
      );

    source.raw.on('error', fail);
    gunzip?.on('error', asInvalid('corrupt gzip data'));
    budget.on('error', fail);
    parser.on('error', asInvalid('not a valid tar archive'));

    parser.on('entry', (header, body, next) => {
      // Destroying the parser destroys the current entry's stream with an error; it is already reported.
      body.on('error', () => undefined);
      let path: string | null;
      try {
        path = admitEntry(header, state, limits);
      } catch (err) {
        fail(err);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      body.on('data', (chunk: unknown) => {
        if (path === null || !(chunk instanceof Uint8Array)) return; // directory bodies (normally empty) are drained, not kept
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        size += chunk.byteLength;
      });
      body.on('end', () => {
        if (path !== null) {
          state.files.set(path, Buffer.concat(chunks, size));
          state.totalBytes += size;
        }
        next();
      });
    });
    parser.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve({ files: state.files, totalBytes: state.totalBytes });
    });

    let upstream: Readable = source.raw;
    if (gunzip) upstream = upstream.pipe(gunzip);
    upstream.pipe(budget).pipe(parser);
  });
}
