/** Bounds that keep one upload from exhausting the service's memory; all are inclusive maxima. */
export interface ArchiveLimits {
  /** Entries of any kind (files and directories) in the archive. */
  maxEntries: number;
  /** Uncompressed size of any single file. */
  maxFileBytes: number;
  /** Uncompressed size of all files together. */
  maxTotalBytes: number;
  /**
   * Uncompressed size of any file under knowledge/ or compositional_skills/ (qna.yaml, attribution.txt). Leaves are
   * parsed, and parsing costs far more memory and time than the bytes (a 5 MB qna.yaml left the service 550 MB
   * bigger); InstructLab's own are a few kilobytes.
   */
  maxLeafFileBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntries: 10_000,
  maxFileBytes: 10 * MiB,
  maxTotalBytes: 100 * MiB,
  maxLeafFileBytes: MiB,
});

/**
 * Tar framing around file contents: a 512-byte header, up to 511 bytes of padding, and possibly a pax or
 * GNU long-name header before it. 8 KiB per entry is generous for real archives yet still bounds how much
 * an archive of empty-looking entries can make us inflate.
 */
const FRAMING_BYTES_PER_ENTRY = 8 * 1024;
/** End-of-archive blocks; GNU tar pads the whole archive to a 10 KiB record. */
const FRAMING_BYTES_FIXED = MiB;

export function resolveArchiveLimits(overrides: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`archive limit ${name} must be a non-negative integer, got ${value}`);
  }
  return limits;
}

/** The most decompressed tar bytes an archive within `limits` can need; anything past it is a bomb. */
export function maxTarStreamBytes(limits: ArchiveLimits): number {
  return limits.maxTotalBytes + limits.maxEntries * FRAMING_BYTES_PER_ENTRY + FRAMING_BYTES_FIXED;
}
