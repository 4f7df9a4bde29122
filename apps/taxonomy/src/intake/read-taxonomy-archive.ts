import type { Readable } from 'node:stream';
import { extractEntries } from './extract-entries';
import { resolveArchiveLimits, type ArchiveLimits } from './limits';
import { openTarStream } from './open-tar-stream';
import { UnsafeArchiveError, quoteEntry } from './errors';
import { LEAF_ROOTS } from '@platform/taxonomy-rules';
import { findLeaves, findWrapperFolder, underLeafRoot } from './taxonomy-root';

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
    refuseLargeLeafFiles(files, wrapper, resolved.maxLeafFileBytes);
    return { files, leaves: findLeaves(files.keys()), totalBytes, strippedFolder: wrapper };
  } catch (err) {
    // A stage may still be waiting on the source (e.g. a stalled S3 download); release it now.
    stream.destroy();
    throw err;
  }
}

/** Known only once the wrapper folder is, so after extraction: the bytes are in memory, but nothing has parsed them yet. */
function refuseLargeLeafFiles(files: ReadonlyMap<string, Buffer>, wrapper: string | null, maxBytes: number): void {
  for (const [path, data] of files) {
    if (data.length <= maxBytes || !underLeafRoot(path)) continue;
    const entry = wrapper === null ? path : `${wrapper}/${path}`;
    throw new UnsafeArchiveError(
      'file-too-large',
      `entry ${quoteEntry(entry)} is ${data.length} bytes, above the ${maxBytes}-byte limit for files under ${LEAF_ROOTS.join('/ and ')}/`,
      entry,
    );
  }
}
