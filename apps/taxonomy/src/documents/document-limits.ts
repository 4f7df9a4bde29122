/** Bounds on one taxonomy's document fetches; all inclusive maxima (PLATFORM_GIT_TIMEOUT_MS, PLATFORM_DOCUMENT_MAX_*). */
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
