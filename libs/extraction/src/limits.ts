const MiB = 1024 * 1024;

/** Bounds on one extraction; all inclusive maxima. */
export interface ExtractionLimits {
  /** Size of the document. */
  maxBytes: number;
  /** Pages of a PDF. */
  maxPages: number;
  /** Characters of the extracted text. */
  maxChars: number;
  /**
   * Wall-clock time of a parse in a worker thread, which is terminated when it runs past it (`extractText`: and again
   * of its OCR; `extractDocument`: of the whole extraction, every step sharing it).
   */
  timeoutMs: number;
  /** Heap of that worker thread (its V8 old generation), so a decompression bomb ends the worker, not the process. */
  maxMemoryMb: number;
  /** All page images of one document together (`extractDocument` with `pageImages`), PNG bytes. */
  maxPageImageBytes: number;
}

export const DEFAULT_EXTRACTION_LIMITS: Readonly<ExtractionLimits> = Object.freeze({
  maxBytes: 32 * MiB,
  maxPages: 2000,
  // A document at the byte limit that is all text fits.
  maxChars: 32 * MiB,
  timeoutMs: 30_000,
  maxMemoryMb: 1024,
  maxPageImageBytes: 512 * MiB,
});

export function resolveLimits(overrides: Partial<ExtractionLimits> = {}): ExtractionLimits {
  const limits = { ...DEFAULT_EXTRACTION_LIMITS };
  for (const [name, value] of Object.entries(overrides) as [keyof ExtractionLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_EXTRACTION_LIMITS)) throw new RangeError(`unknown extraction limit "${name}"`);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`extraction limit ${name} must be a positive integer, got ${value}`);
    limits[name] = value;
  }
  return limits;
}
