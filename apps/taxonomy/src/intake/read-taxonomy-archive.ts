import type { Readable } from 'node:stream';
import { extractEntries } from './extract-entries';
import { resolveArchiveLimits, type ArchiveLimits } from './limits';
import { openTarStream } from './open-tar-stream';
import { findLeaves, findWrapperFolder } from './taxonomy-root';

export interface TaxonomyArchive {
  /** Regular files only, keyed by path relative to the taxonomy root (wrapper folder removed). */
  files: Map<string, Buffer>;
  /** Paths (keys of `files`) of qna.yaml files under knowledge/ or compositional_skills/, sorted. */
  leaves: string[];
  /** Sum of the sizes of `files`. */
  totalBytes: number;
  /** The single top-level folder that wrapped the taxonomy and was stripped, or null if there was none. */
  strippedFolder: string | null;
}

/**
 * Reads a taxonomy .tar.gz or .tar entirely in memory, refusing unsafe or oversized archives while
 * streaming. Nothing touches the disk, so a refused upload leaves nothing behind to clean up.
 * Rejects with UnsafeArchiveError or InvalidArchiveError; errors of `stream` itself pass through.
 * `stream` is consumed, and destroyed on failure.
 */
export async function readTaxonomyArchive(stream: Readable, limits: Partial<ArchiveLimits> = {}): Promise<TaxonomyArchive> {
  const resolved = resolveArchiveLimits(limits);
  try {
    const { files: raw, totalBytes } = await extractEntries(await openTarStream(stream), resolved);
    const wrapper = findWrapperFolder(raw.keys());
    const files = wrapper === null ? raw : new Map([...raw].map(([path, data]) => [path.slice(wrapper.length + 1), data]));
    return { files, leaves: findLeaves(files.keys()), totalBytes, strippedFolder: wrapper };
  } catch (err) {
    // A stage may still be waiting on the source (e.g. a stalled S3 download); release it now.
    stream.destroy();
    throw err;
  }
}
