import { boolSetting, defineConfig, intSetting, optionalSetting, stringSetting, type ConfigOf } from '@platform/common';

const MiB = 1024 * 1024;

/** The taxonomy service's settings, read once at start-up. */
export const TaxonomyConfig = defineConfig('taxonomy', {
  // Required: without the key no secret could be opened, so the service refuses to start rather than fail later.
  secretsKey: stringSetting('PLATFORM_SECRETS_KEY'),
  /**
   * The process that parses and tokenizes an upload's leaves and documents (never the service's event loop): how long
   * one taxonomy's files may take, all together, and how much heap the process has. Past either, a 400 names the file.
   */
  leafReading: {
    timeLimitMs: intSetting('PLATFORM_TAXONOMY_READ_TIME_LIMIT_MS', { default: 30_000, min: 1 }),
    maxHeapMb: intSetting('PLATFORM_TAXONOMY_READ_MAX_HEAP_MB', { default: 512, min: 128 }),
    processes: intSetting('PLATFORM_TAXONOMY_READ_PROCESSES', { default: 2, min: 1 }),
  },
  /** How knowledge documents may be fetched. */
  documents: {
    /** Git sources on private or loopback addresses (off: only public hosts). */
    allowPrivate: boolSetting('PLATFORM_ALLOW_PRIVATE_GIT', { default: false }),
    /** PEM bundle of the certificate authorities https repositories are checked against (unset: the system's). */
    caFile: optionalSetting('PLATFORM_GIT_CA_FILE'),
    limits: {
      gitTimeoutMs: intSetting('PLATFORM_GIT_TIMEOUT_MS', { default: 120_000, min: 1 }),
      maxFileBytes: intSetting('PLATFORM_DOCUMENT_MAX_FILE_BYTES', { default: 20 * MiB, min: 1 }),
      maxFilesPerLeaf: intSetting('PLATFORM_DOCUMENT_MAX_FILES_PER_LEAF', { default: 200, min: 1 }),
      maxTotalBytes: intSetting('PLATFORM_DOCUMENT_MAX_TOTAL_BYTES', { default: 200 * MiB, min: 1 }),
    },
  },
});
export type TaxonomyConfig = ConfigOf<typeof TaxonomyConfig>;
