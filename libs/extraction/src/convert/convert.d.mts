// Types of convert.mjs (plain JavaScript, see there why).

/** The document kinds convert.mjs turns into text. */
export type DocumentKind = 'text' | 'markdown' | 'html' | 'pdf' | 'json' | 'docx' | 'xlsx' | 'pptx' | 'image';

export interface ConvertRequest {
  kind: DocumentKind;
  data: Uint8Array;
  /** The charset the caller's media type names; otherwise the byte order mark, a page's own declaration, or UTF-8. */
  charset?: string;
  maxPages: number;
  maxChars: number;
  /**
   * For a PDF: return each page's text (empty for a page without a text layer) instead of refusing a PDF without one.
   * For a PPTX: each slide's text (with its notes) as a page.
   */
  pageTexts?: boolean;
  /** For a PDF: return each page's size. */
  pageInfo?: boolean;
  /** For a PDF: return each page's size and its words with boxes. */
  tokens?: boolean;
  /**
   * For a DOCX or a PDF: collect embedded pictures (a DOCX's where they stand, as `![picture n](#picture-n)` in its
   * Markdown; a PDF's text-layer pages' images of at least 32 × 32 pixels), at most 500 and `maxPictureBytes` bytes.
   */
  pictures?: boolean;
  maxPictureBytes?: number;
  /** Called after each PDF page is read (the worker sets it to report progress; a function cannot cross to a worker). */
  onPage?: (pagesDone: number, totalPages: number, hasText: boolean) => void;
}

/** A word and its box `[x0, y0, x1, y1]` from the page's top-left corner (PDF points for PDF pages, pixels for images). */
export interface PageToken {
  text: string;
  bbox: [number, number, number, number];
  /** Tesseract's confidence (0–100), for words read by OCR. */
  confidence?: number;
}

export interface ConvertResult {
  text: string;
  format: 'markdown' | 'text';
  /** A PDF's page count. */
  pages?: number;
  /** Each PDF page's text layer, when asked for. */
  pageTexts?: string[];
  /** Each PDF page's size in points (its /Rotate applied), when asked. */
  pageGeometry?: { width: number; height: number }[];
  /** Each PDF page's words of its text layer, when asked. */
  pageTokens?: PageToken[][];
  /** Embedded pictures, when asked for; `id` from 1 in document order. */
  pictures?: EmbeddedPicture[];
}

export interface EmbeddedPicture {
  id: number;
  page: number;
  data: Uint8Array;
  mimeType: string;
}

export type ConversionCode = 'unsupported_type' | 'too_large' | 'unreadable' | 'encrypted' | 'no_text';

export declare class ConversionFailure extends Error {
  readonly code: ConversionCode;
  constructor(code: ConversionCode, message: string);
}

export declare function convert(request: ConvertRequest): Promise<ConvertResult>;

export declare function decodeText(data: Uint8Array, charset?: string): string;
