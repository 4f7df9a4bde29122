import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageResult } from './convert/image.mjs';
import type { PageToken } from './convert/convert.mjs';
import { ExtractionError } from './extraction-error';
import { Deadline, inTempDir, renderPdfPage, run, tidy, type ResolvedOcr } from './ocr';
import { runTask } from './run-in-worker';

/** One page read by OCR: its text, its words (boxes in the upright page's pixels) and how it was turned upright. */
export interface OcrPage {
  text: string;
  tokens: PageToken[];
  /** Degrees (clockwise) the page image was turned before recognition: 0, 90, 180 or 270. */
  rotation: number;
  /** The upright page image's size in pixels. */
  width: number;
  height: number;
  /** The upright page image (PNG), when the caller keeps page images at the OCR resolution. */
  png?: Uint8Array;
}

export interface PageOcrOptions {
  ocr: ResolvedOcr;
  deadline: Deadline;
  /** Turn each page upright first, by Tesseract's orientation detection (OSD). */
  autoRotate: boolean;
  /** Keep each page's upright PNG (page images at the OCR resolution). */
  keepImage: boolean;
  maxMemoryMb: number;
}

/**
 * OSD below this orientation confidence leaves the page as it is: a page with little text gives a guess, and turning
 * an upright page sideways loses its text. Upright and turned test pages with a few lines score 8–10.
 */
const MIN_ORIENTATION_CONFIDENCE = 2;

/** Degrees to turn the image clockwise to make it upright, by Tesseract's OSD (`--psm 0`); 0 when it cannot tell. */
async function orientation(file: string, deadline: Deadline): Promise<number> {
  let report: string;
  try {
    report = await run('tesseract', [file, 'stdout', '--psm', '0'], deadline);
  } catch (err) {
    // "Too few characters": a blank or nearly blank page has no orientation to correct.
    if (err instanceof ExtractionError && err.code === 'unreadable') return 0;
    throw err;
  }
  const rotate = Number(/^Rotate:\s*(\d+)/m.exec(report)?.[1] ?? 0);
  const confidence = Number(/^Orientation confidence:\s*([\d.]+)/m.exec(report)?.[1] ?? 0);
  return [90, 180, 270].includes(rotate) && confidence >= MIN_ORIENTATION_CONFIDENCE ? rotate : 0;
}

/** Turns (or only re-encodes, at 0 degrees) a PNG or JPEG into an upright PNG, in a worker thread. */
export async function uprightPng(data: Uint8Array, degrees: number, deadline: Deadline, maxMemoryMb: number): Promise<ImageResult> {
  return await runTask<ImageResult>(
    { task: 'image', data, degrees },
    { timeoutMs: deadline.remaining(), maxMemoryMb, signal: deadline.signal },
  );
}

/** Words of Tesseract's TSV (level 5 rows) and the page size (its level 1 row). */
export function parseTsv(tsv: string): { tokens: PageToken[]; width: number; height: number } {
  const tokens: PageToken[] = [];
  let width = 0;
  let height = 0;
  for (const line of tsv.split('\n').slice(1)) {
    const fields = line.split('\t');
    if (fields.length < 12) continue;
    const [level, left, top, w, h, conf] = [fields[0], fields[6], fields[7], fields[8], fields[9], fields[10]].map(Number);
    const text = fields.slice(11).join('\t').trim();
    if (level === 1) {
      width = Math.max(width, w);
      height = Math.max(height, h);
    } else if (level === 5 && text !== '') {
      tokens.push({ text, bbox: [left, top, left + w, top + h], confidence: Math.round(conf * 100) / 100 });
    }
  }
  return { tokens, width, height };
}

/**
 * Recognises one image file: optionally turned upright first, then Tesseract writes its text and its TSV (words with
 * boxes and confidences) in one run. `dpi` is the image's resolution, which a turned PNG no longer carries.
 */
async function recognise(dir: string, file: string, dpi: number | undefined, options: PageOcrOptions): Promise<OcrPage> {
  const { ocr, deadline } = options;
  let input = file;
  let rotation = 0;
  let png: Uint8Array | undefined;
  if (options.autoRotate) {
    rotation = await orientation(file, deadline);
    if (rotation !== 0) {
      png = (await uprightPng(await readFile(file), rotation, deadline, options.maxMemoryMb)).png;
      input = join(dir, 'upright.png');
      await writeFile(input, png);
    }
  }
  const base = join(dir, 'ocr');
  await run('tesseract', [input, base, '-l', ocr.languages, ...(dpi ? ['--dpi', String(dpi)] : []), 'txt', 'tsv'], deadline);
  const [text, tsv] = await Promise.all([readFile(`${base}.txt`, 'utf8'), readFile(`${base}.tsv`, 'utf8')]);
  const { tokens, width, height } = parseTsv(tsv);
  const image = options.keepImage ? (png ?? new Uint8Array(await readFile(file))) : undefined;
  await Promise.all([
    rm(`${base}.txt`, { force: true }),
    rm(`${base}.tsv`, { force: true }),
    rm(join(dir, 'upright.png'), { force: true }),
  ]);
  return { text: tidy(text), tokens, rotation, width, height, ...(image ? { png: image } : {}) };
}

/** OCR of an image document (PNG, JPEG; TIFF as it is: every page of it, not turned, as canvas cannot decode TIFF). */
export async function ocrImageDocument(data: Uint8Array, mimeType: string, options: PageOcrOptions): Promise<OcrPage> {
  return await inTempDir(async (dir) => {
    const file = join(dir, 'image');
    await writeFile(file, data);
    return await recognise(dir, file, undefined, { ...options, autoRotate: options.autoRotate && mimeType !== 'image/tiff' });
  });
}

/** OCR of the given PDF pages (1-based), each rendered at the OCR resolution, one after another; `onPage` after each. */
export async function ocrPdfDocumentPages(
  data: Uint8Array,
  pages: readonly number[],
  options: PageOcrOptions,
  onPage: (page: number) => void,
): Promise<Map<number, OcrPage>> {
  return await inTempDir(async (dir) => {
    const pdf = join(dir, 'document.pdf');
    await writeFile(pdf, data);
    const read = new Map<number, OcrPage>();
    // Page by page, so a long document's rendered images never sit on disk all at once.
    for (const page of pages) {
      const image = await renderPdfPage(dir, pdf, page, options.ocr.dpi, options.deadline);
      read.set(page, await recognise(dir, image, options.ocr.dpi, options));
      await rm(image, { force: true });
      onPage(page);
    }
    return read;
  });
}
