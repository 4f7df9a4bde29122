import type { AssemblyStructure, AssemblyTable } from './convert/assemble.mjs';
import type { PageToken } from './convert/convert.mjs';
import type { ExtractionLimits } from './limits';
import type { OcrOptions } from './ocr';

export type { AssemblyStructure, AssemblyTable, AssemblyTableCell, StructureType } from './convert/assemble.mjs';

/** What `extractDocument` is asked for: the documents service's extraction `parameters` and `steps`, as options. */
export interface DocumentExtractionOptions {
  /**
   * OCR of images and of PDF pages without a text layer; here `mode` defaults to `enabled` (a scanned PDF just works).
   * `languages` take ISO 639-1 codes (`en`, `fr`) or Tesseract codes (`eng`); `dpi` is the OCR resolution (300).
   */
  ocr?: OcrOptions;
  /** Turn OCR pages upright first, by Tesseract's orientation detection; the turn goes to `pages[].rotation`. */
  autoRotation?: boolean;
  /** Words with boxes in the assembly (`tokens`): from pdf.js for text-layer pages, Tesseract's TSV for OCR pages. */
  tokens?: boolean;
  /** Page images (PNG) of a PDF's pages or an image document. */
  pageImages?: boolean;
  /** Their resolution, 72–600 dpi; default 150. */
  outputDpi?: number;
  /**
   * Pictures embedded in a DOCX or in a PDF's text-layer pages (`create_embedded_images`): `disabled` (default)
   * leaves them out; `enabled_placeholder` puts a `picture` structure (`picture n`) where each stands;
   * `enabled_text` its OCR text instead.
   */
  embeddedImages?: 'disabled' | 'enabled_placeholder' | 'enabled_text';
  /** Tables as tables (GFM, `<table>`, cells in `tables`); false: their rows as lines of text. Default true. */
  tables?: boolean;
  limits?: Partial<ExtractionLimits>;
  /**
   * Pages whose text is final so far (never decreasing) of the document's pages: a PDF reports 0 as soon as its page
   * count is known, then each page as its text layer or its OCR is read; other documents report once, 1 of 1.
   */
  onProgress?: (pagesDone: number, totalPages: number) => void;
  /** Stops the extraction (its worker thread and OCR processes): it rejects with code `canceled`. */
  signal?: AbortSignal;
}

/**
 * A page: its size as shown (PDF pages in points, `unit: 'pt'`, the /Rotate applied and an OCR page's turn too;
 * image documents in pixels, `'px'`; documents without pages — HTML, Office, text — null) and the clockwise turn
 * (0, 90, 180, 270) rotation correction gave it before OCR.
 */
export interface AssemblyPage {
  page_number: number;
  width: number | null;
  height: number | null;
  unit?: 'pt' | 'px';
  rotation: number;
}

/** A word and its box `[x0, y0, x1, y1]` from its page's top-left corner, in the page's unit. */
export interface AssemblyToken extends PageToken {
  page: number;
}

/** The assembly JSON (`assembly.json`): the platform's own document model, documented in the library's README. */
export interface DocumentAssembly {
  metadata: {
    /** The document's file name as given. */
    document: string;
    media_type: string;
    total_pages: number;
    /** Pages whose text came from OCR. */
    ocr_pages: number[];
    /** Tesseract languages OCR read with (empty when no page was OCRed). */
    languages: string[];
  };
  pages: AssemblyPage[];
  /** The document's blocks in reading order. */
  structures: AssemblyStructure[];
  tables: AssemblyTable[];
  /** Only when asked for (`tokens`). */
  tokens?: AssemblyToken[];
}

export interface PageImage {
  /** 1-based. */
  page: number;
  png: Uint8Array;
}

export interface ExtractedDocument {
  /** The media type the document was read as. */
  mimeType: string;
  markdown: string;
  /** A whole HTML document (the document's markup shown as text, unsafe links dropped). */
  html: string;
  plainText: string;
  assembly: DocumentAssembly;
  /** Empty unless asked for. */
  pageImages: PageImage[];
  totalPages: number;
  ocrPages: number[];
}
