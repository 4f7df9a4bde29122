import { envInt } from '@platform/common';

/** Bounds on one taxonomy's document fetches; all inclusive maxima. */
export interface DocumentLimits {
  /** Wall-clock limit of each git command (a fetch of a big repository included). */
  gitTimeoutMs: number;
  /** Size of one matched file in the repository. */
  maxFileBytes: number;
  /** Matched files of one leaf. */
  maxFilesPerLeaf: number;
  /** Size of all matched files of the taxonomy together. */
  maxTotalBytes: number;
}

const MiB = 1024 * 1024;

export function documentLimitsFromEnv(): DocumentLimits {
  return {
    gitTimeoutMs: envInt('PLATFORM_GIT_TIMEOUT_MS', 120_000),
    maxFileBytes: envInt('PLATFORM_DOCUMENT_MAX_FILE_BYTES', 20 * MiB),
    maxFilesPerLeaf: envInt('PLATFORM_DOCUMENT_MAX_FILES_PER_LEAF', 200),
    maxTotalBytes: envInt('PLATFORM_DOCUMENT_MAX_TOTAL_BYTES', 200 * MiB),
  };
}
