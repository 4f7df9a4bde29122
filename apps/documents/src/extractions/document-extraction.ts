import { extractDocument } from '@platform/extraction';
import type { ExtractionSettings } from './extraction-settings';

/** A document read from the container's storage. */
export interface DocumentInput {
  data: Uint8Array;
  /** Its file name (the extension gives its type when the stored media type does not). */
  fileName: string;
  /** The media type it was stored with, if any. */
  mimeType?: string;
}

/** What one extraction yields: every output it can write (the results writer picks the requested ones). */
export interface ExtractedDocument {
  /** The platform's assembly JSON (libs/extraction: metadata, pages, structures, tables, tokens). */
  assembly: unknown;
  markdown: string;
  html: string;
  plainText: string;
  pageImages: readonly { page: number; png: Uint8Array }[];
  totalPages: number;
}

export interface ExtractionHooks {
  /** Aborts the extraction (a canceled job, a lost lease, a shutdown). */
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  maxPages: number;
  onProgress(pagesDone: number, totalPages: number): void;
}

/** Turns a document into its outputs under a job's settings; refusals are `ExtractionError`s of @platform/extraction. */
export type ExtractDocument = (input: DocumentInput, settings: ExtractionSettings, hooks: ExtractionHooks) => Promise<ExtractedDocument>;

/** OCR resolution of `mode: high_quality` (standard: the library's 300 dpi). */
const HIGH_QUALITY_OCR_DPI = 400;

/** The extraction library's `extractDocument` under a job's settings. */
export const extractWithLibrary: ExtractDocument = (input, s, hooks) =>
  extractDocument(
    { data: input.data, fileName: input.fileName, mimeType: input.mimeType },
    {
      ocr: {
        mode: s.ocrMode,
        ...(s.languages.length > 0 ? { languages: s.languages } : {}),
        ...(s.mode === 'high_quality' ? { dpi: HIGH_QUALITY_OCR_DPI } : {}),
      },
      autoRotation: s.autoRotationCorrection,
      tokens: s.outputTokensAndBbox,
      pageImages: s.outputs.includes('page_images'),
      outputDpi: s.outputDpi,
      embeddedImages: s.createEmbeddedImages,
      tables: s.tablesProcessing,
      limits: { maxBytes: hooks.maxBytes, maxPages: hooks.maxPages, timeoutMs: hooks.timeoutMs },
      onProgress: hooks.onProgress,
      signal: hooks.signal,
    },
  );
