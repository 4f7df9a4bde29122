import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assemble, type AssemblePage, type AssembleRequest, type AssembleResult } from './convert/assemble.mjs';
import type { DocumentKind, EmbeddedPicture, PageToken } from './convert/convert.mjs';
import type {
  DocumentAssembly,
  AssemblyPage,
  AssemblyToken,
  ExtractedDocument,
  DocumentExtractionOptions,
  PageImage,
} from './document-assembly';
import { resolveDocumentType } from './document-type';
import { convertHere, INLINE_KINDS, INLINE_MAX_BYTES, type ExtractionInput } from './extract-text';
import { ExtractionError } from './extraction-error';
import { resolveLimits, type ExtractionLimits } from './limits';
import { Deadline, inTempDir, ocrImage, renderPdfPage, resolveOcr, type ResolvedOcr } from './ocr';
import { ocrImageDocument, ocrPdfDocumentPages, uprightPng, type OcrPage } from './ocr-pages';
import { checkPagePixels, imageSize, MAX_PAGE_PIXELS } from './page-pixels';
import { runInWorker, runTask } from './run-in-worker';

/** Page images' resolution by default, and the range allowed (the API's `output_dpi`). */
const DEFAULT_OUTPUT_DPI = 150;
/**
 * Assembly of text up to this size runs on the calling thread; above it, in a worker. marked's lexing and rendering
 * take about 15 ms for 32 Ki characters here but 0.4 s for 1 Mi, while a worker costs about 90 ms to start.
 */
const INLINE_ASSEMBLY_CHARS = 32 * 1024;

/** A page's content before assembly: its text, and what the reader knows of its geometry and words. */
interface PageContent {
  assemble: AssemblePage;
  page: AssemblyPage;
  tokens: PageToken[];
}

interface Read {
  pages: PageContent[];
  ocrPages: number[];
  /** Page images at the OCR resolution, already upright, kept when they are the output's resolution too. */
  ocrImages: Map<number, Uint8Array>;
}

interface Job {
  input: ExtractionInput;
  mimeType: string;
  options: DocumentExtractionOptions;
  bounds: ExtractionLimits;
  ocr: ResolvedOcr;
  outputDpi: number;
  deadline: Deadline;
  progress: (pagesDone: number, totalPages: number) => void;
}

/**
 * A document for the documents service's text extraction jobs: Markdown, HTML, plain text and the assembly JSON
 * (structures, tables with cells, pages, optionally words with boxes), optionally page images. Reads every format
 * {@link extractText} reads, with the same readers, refusals and worker threads; OCR is `enabled` unless the caller
 * says otherwise. `limits.timeoutMs` bounds the whole extraction.
 */
export async function extractDocument(input: ExtractionInput, options: DocumentExtractionOptions = {}): Promise<ExtractedDocument> {
  const bounds = resolveLimits(options.limits);
  if (input.data.byteLength > bounds.maxBytes) {
    throw new ExtractionError('too_large', `the document is ${input.data.byteLength} bytes, above the limit of ${bounds.maxBytes}`);
  }
  const type = resolveDocumentType(input);
  const ocr = resolveOcr({ ...options.ocr, mode: options.ocr?.mode ?? 'enabled' });
  const outputDpi = options.outputDpi ?? DEFAULT_OUTPUT_DPI;
  if (!Number.isSafeInteger(outputDpi) || outputDpi < 72 || outputDpi > 600) {
    throw new RangeError(`output dpi must be an integer from 72 to 600, got ${outputDpi}`);
  }
  if (options.pageImages && type.mimeType === 'image/tiff') {
    throw new ExtractionError('unsupported_type', 'page images of TIFF documents are not produced here; ask for the text outputs only');
  }
  let reported = -1;
  // Monotone, and each count once, so a job's row is written only when it moves.
  const progress = (done: number, total: number) => {
    if (done <= reported) return;
    reported = done;
    options.onProgress?.(done, total);
  };
  const job: Job = {
    input,
    mimeType: type.mimeType,
    options,
    bounds,
    ocr,
    outputDpi,
    deadline: new Deadline(bounds.timeoutMs, options.signal),
    progress,
  };
  // A signal aborted (or a deadline spent) before a step stops it there, on the calling thread's steps too.
  job.deadline.remaining();
  const read =
    type.kind === 'image' ? await readImage(job) : type.kind === 'pdf' ? await readPdf(job) : await readFlat(job, type.kind, type.charset);
  const pageImages = options.pageImages ? await renderPageImages(job, read) : [];
  job.deadline.remaining();
  const outputs = await assembleOutputs(job, {
    pages: read.pages.map((page) => page.assemble),
    tables: options.tables ?? true,
    title: input.fileName ?? '',
  });
  const totalPages = read.pages.length;
  progress(totalPages, totalPages);
  return {
    mimeType: type.mimeType,
    markdown: outputs.markdown,
    html: outputs.html,
    plainText: outputs.plainText,
    assembly: assemblyOf(job, read, outputs),
    pageImages,
    totalPages,
    ocrPages: read.ocrPages,
  };
}

function assemblyOf(job: Job, read: Read, outputs: AssembleResult): DocumentAssembly {
  const tokens: AssemblyToken[] = read.pages.flatMap(({ page, tokens }) => tokens.map((token) => ({ page: page.page_number, ...token })));
  return {
    metadata: {
      document: job.input.fileName ?? '',
      media_type: job.mimeType,
      total_pages: read.pages.length,
      ocr_pages: read.ocrPages,
      languages: read.ocrPages.length > 0 ? job.ocr.languages.split('+') : [],
    },
    pages: read.pages.map(({ page }) => page),
    structures: outputs.structures,
    tables: outputs.tables,
    ...(job.options.tokens ? { tokens } : {}),
  };
}

async function assembleOutputs(job: Job, request: AssembleRequest): Promise<AssembleResult> {
  const chars = request.pages.reduce((sum, page) => sum + page.text.length, 0);
  if (chars <= INLINE_ASSEMBLY_CHARS) return assemble(request);
  return await runTask<AssembleResult>({ task: 'assemble', ...request }, workerLimits(job));
}

function workerLimits(job: Job) {
  return { timeoutMs: job.deadline.remaining(), maxMemoryMb: job.bounds.maxMemoryMb, signal: job.options.signal };
}

const withinChars = (text: string, maxChars: number) => {
  if (text.length > maxChars) {
    throw new ExtractionError('too_large', `the document's text has ${text.length} characters or more, above the limit of ${maxChars}`);
  }
  return text;
};

/**
 * Text, Markdown, JSON, HTML and Office documents, read by extractText's converters: one page without a geometry,
 * or a presentation's slides as pages.
 */
async function readFlat(job: Job, kind: DocumentKind, charset?: string): Promise<Read> {
  const request = {
    kind,
    // A presentation's slides, as pages.
    pageTexts: kind === 'pptx',
    data: job.input.data,
    charset,
    maxPages: job.bounds.maxPages,
    maxChars: job.bounds.maxChars,
    ...pictureRequest(job),
  };
  const inline = INLINE_KINDS.has(kind) && job.input.data.byteLength <= INLINE_MAX_BYTES;
  const result = inline ? await convertHere(request) : await runInWorker(request, workerLimits(job));
  const pictures = await pictureTexts(job, result.pictures ?? []);
  // A presentation's slides are its pages; other documents are one page.
  const texts = result.pageTexts && result.pageTexts.length > 0 ? result.pageTexts : [result.text];
  job.progress(texts.length, texts.length);
  return {
    pages: texts.map((text, index) => ({
      assemble: { page: index + 1, format: result.format, text, pictures: pictures.filter((picture) => picture.page === index + 1) },
      page: { page_number: index + 1, width: null, height: null, rotation: 0 },
      tokens: [],
    })),
    ocrPages: [],
    ocrImages: new Map(),
  };
}

async function readImage(job: Job): Promise<Read> {
  if (job.ocr.mode === 'disabled') {
    throw new ExtractionError(
      'no_text',
      `a document of type "${job.mimeType}" is an image without a text layer: its text needs OCR, which is not enabled here`,
    );
  }
  const size = imageSize(job.input.data);
  if (size) checkPagePixels('the image', size.width, size.height);
  const read = await ocrImageDocument(job.input.data, job.mimeType, pageOcrOptions(job, job.options.pageImages === true));
  if (read.text === '') throw new ExtractionError('no_text', 'OCR found no text in the image');
  job.progress(1, 1);
  return {
    pages: [
      {
        assemble: { page: 1, format: 'text', text: withinChars(read.text, job.bounds.maxChars) },
        page: { page_number: 1, width: read.width, height: read.height, unit: 'px', rotation: read.rotation },
        tokens: read.tokens,
      },
    ],
    ocrPages: [1],
    // The document's own image when it was not turned (a PNG as it is; a JPEG is re-encoded when page images are made).
    ocrImages: read.png && read.rotation !== 0 ? new Map([[1, read.png]]) : new Map(),
  };
}

/** Embedded pictures are collected by DOCX and PDF readers only when asked for (create_embedded_images). */
function pictureRequest(job: Job): { pictures?: boolean; maxPictureBytes?: number } {
  const mode = job.options.embeddedImages ?? 'disabled';
  return mode === 'disabled' ? {} : { pictures: true, maxPictureBytes: job.bounds.maxPageImageBytes };
}

/**
 * Each embedded picture's text: `enabled_placeholder` its placeholder (`picture n`); `enabled_text` its OCR text
 * (with the document's OCR languages), the placeholder when OCR finds none or cannot read the picture's format (a
 * DOCX's EMF drawings). One picture after another, under the extraction's deadline.
 */
async function pictureTexts(job: Job, pictures: readonly EmbeddedPicture[]): Promise<{ id: number; page: number; text: string }[]> {
  const texts: { id: number; page: number; text: string }[] = [];
  for (const picture of pictures) {
    const placeholder = `picture ${picture.id}`;
    if (job.options.embeddedImages !== 'enabled_text') {
      texts.push({ id: picture.id, page: picture.page, text: placeholder });
      continue;
    }
    let text = '';
    const size = imageSize(picture.data);
    // A picture too big to read keeps its placeholder, as one OCR cannot read does.
    if (size && size.width * size.height > MAX_PAGE_PIXELS) {
      texts.push({ id: picture.id, page: picture.page, text: placeholder });
      continue;
    }
    try {
      text = await ocrImage(picture.data, job.ocr, job.deadline);
    } catch (err) {
      if (!(err instanceof ExtractionError && err.code === 'unreadable')) throw err;
    }
    texts.push({ id: picture.id, page: picture.page, text: text === '' ? placeholder : text });
  }
  return texts;
}

function pageOcrOptions(job: Job, keepImage: boolean) {
  return {
    ocr: job.ocr,
    deadline: job.deadline,
    autoRotate: job.options.autoRotation === true,
    keepImage,
    maxMemoryMb: job.bounds.maxMemoryMb,
  };
}

/** A PDF: each page's text layer (pdf.js, in a worker), and OCR of pages without one (`enabled`) or of all (`forced`). */
async function readPdf(job: Job): Promise<Read> {
  const { ocr } = job;
  let textDone = 0;
  const layer = await runInWorker(
    {
      kind: 'pdf',
      data: job.input.data,
      maxPages: job.bounds.maxPages,
      maxChars: job.bounds.maxChars,
      pageTexts: true,
      pageInfo: true,
      tokens: job.options.tokens === true,
      ...pictureRequest(job),
    },
    workerLimits(job),
    (page, total, hasText) => {
      // A page is done once its text is final: read from its layer, unless OCR will read it.
      if (ocr.mode === 'disabled' || (ocr.mode === 'enabled' && hasText)) textDone++;
      job.progress(textDone, total);
    },
  );
  const texts = layer.pageTexts ?? [];
  const total = texts.length;
  const targets = ocr.mode === 'disabled' ? [] : texts.flatMap((text, index) => (ocr.mode === 'forced' || text === '' ? [index + 1] : []));
  // Before any page is rendered: a page whose raster at the OCR or output resolution would be huge is refused.
  const rendered = new Set([...targets, ...(job.options.pageImages ? texts.map((_, index) => index + 1) : [])]);
  for (const page of rendered) {
    const size = layer.pageGeometry?.[page - 1];
    const dpi = Math.max(targets.includes(page) ? ocr.dpi : 0, job.options.pageImages ? job.outputDpi : 0);
    if (size) checkPagePixels(`page ${page} at ${dpi} dpi`, (size.width * dpi) / 72, (size.height * dpi) / 72);
  }
  let ocrDone = 0;
  const keepImages = job.options.pageImages === true && job.outputDpi === ocr.dpi;
  const recognised =
    targets.length > 0
      ? await ocrPdfDocumentPages(job.input.data, targets, pageOcrOptions(job, keepImages), () => job.progress(textDone + ++ocrDone, total))
      : new Map<number, OcrPage>();
  // Pictures of pages OCR reads whole (forced) are in that page's OCR text already.
  const pictures = await pictureTexts(
    job,
    (layer.pictures ?? []).filter((picture) => !recognised.has(picture.page)),
  );
  // OCR reads pixels at its resolution; PDF pages are measured in points (1/72 inch), and so are their words.
  const scale = 72 / ocr.dpi;
  const pages: PageContent[] = texts.map((layerText, index) => {
    const number = index + 1;
    const read = recognised.get(number);
    if (!read) {
      const geometry = layer.pageGeometry?.[index];
      return {
        assemble: { page: number, format: 'text', text: layerText, pictures: pictures.filter((picture) => picture.page === number) },
        page: { page_number: number, width: geometry?.width ?? null, height: geometry?.height ?? null, unit: 'pt', rotation: 0 },
        tokens: layer.pageTokens?.[index] ?? [],
      };
    }
    const points = (value: number) => Math.round(value * scale * 100) / 100;
    // The page's own size in points (exact, where rendering rounds to pixels), turned as OCR turned the page.
    const shown = layer.pageGeometry?.[index];
    const sideways = read.rotation % 180 !== 0;
    const [width, height] = shown
      ? sideways
        ? [shown.height, shown.width]
        : [shown.width, shown.height]
      : [points(read.width), points(read.height)];
    return {
      assemble: { page: number, format: 'text', text: read.text },
      page: { page_number: number, width, height, unit: 'pt', rotation: read.rotation },
      tokens: read.tokens.map((token) => ({ ...token, bbox: token.bbox.map(points) as PageToken['bbox'] })),
    };
  });
  if (pages.every((page) => page.assemble.text === '')) {
    throw new ExtractionError(
      'no_text',
      ocr.mode === 'disabled'
        ? `the PDF has no text layer (${total} page${total === 1 ? '' : 's'} of images or drawings only); scanned pages need OCR`
        : `neither a text layer nor OCR found text on the PDF's ${total} page(s)`,
    );
  }
  withinChars(pages.map((page) => page.assemble.text).join('\n\n'), job.bounds.maxChars);
  const ocrImages = new Map<number, Uint8Array>();
  for (const [page, read] of recognised) if (read.png) ocrImages.set(page, read.png);
  return { pages, ocrPages: targets, ocrImages };
}

/**
 * Page images (PNG): a PDF's pages rendered by pdftoppm at the output resolution (an OCR page turned upright as it
 * was read); an image document's own image (PNG as it is, JPEG re-encoded, turned upright if it was). Documents
 * without pages (HTML, Office, text) have none. All of them together are bounded by `maxPageImageBytes`.
 */
async function renderPageImages(job: Job, read: Read): Promise<PageImage[]> {
  const images: PageImage[] = [];
  let bytes = 0;
  const keep = (page: number, png: Uint8Array) => {
    bytes += png.byteLength;
    if (bytes > job.bounds.maxPageImageBytes) {
      throw new ExtractionError(
        'too_large',
        `the page images at ${job.outputDpi} dpi take more than ${job.bounds.maxPageImageBytes} bytes; ask for a lower output_dpi`,
      );
    }
    images.push({ page, png });
  };
  if (job.mimeType.startsWith('image/')) {
    const own = read.ocrImages.get(1);
    if (own) keep(1, own);
    else if (job.mimeType === 'image/png') keep(1, new Uint8Array(job.input.data));
    else keep(1, (await uprightPng(job.input.data, 0, job.deadline, job.bounds.maxMemoryMb)).png);
    return images;
  }
  if (job.mimeType !== 'application/pdf') return images;
  return await inTempDir(async (dir) => {
    const pdf = join(dir, 'document.pdf');
    await writeFile(pdf, job.input.data);
    for (const { page } of read.pages) {
      const ready = read.ocrImages.get(page.page_number);
      if (ready) {
        keep(page.page_number, ready);
        continue;
      }
      const file = await renderPdfPage(dir, pdf, page.page_number, job.outputDpi, job.deadline);
      const png = new Uint8Array(await readFile(file));
      await rm(file, { force: true });
      keep(page.page_number, page.rotation === 0 ? png : (await uprightPng(png, page.rotation, job.deadline, job.bounds.maxMemoryMb)).png);
    }
    return images;
  });
}
