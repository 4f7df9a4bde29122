import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtractionError } from './extraction-error';
import { tesseractLanguage } from './languages';

/** `disabled`: text layers only; `enabled`: OCR for images and PDF pages without text; `forced`: OCR every PDF page too. */
export type OcrMode = 'disabled' | 'enabled' | 'forced';

export interface OcrOptions {
  mode?: OcrMode;
  /**
   * ISO 639-1 codes (`en`, `fr`, `de` …, mapped by {@link tesseractLanguage}) or Tesseract codes (`eng`, `chi_sim` …),
   * each needing Debian's `tesseract-ocr-<code>`; default `['eng']`.
   */
  languages?: readonly string[];
  /** Resolution PDF pages are rendered at for OCR; default 300, 72–600. */
  dpi?: number;
}

export interface ResolvedOcr {
  mode: OcrMode;
  languages: string;
  dpi: number;
}

// Tesseract's text output of one page, bounded so a runaway process cannot fill memory.
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export function resolveOcr(options: OcrOptions = {}): ResolvedOcr {
  const mode = options.mode ?? 'disabled';
  if (!['disabled', 'enabled', 'forced'].includes(mode))
    throw new RangeError(`ocr mode must be disabled, enabled or forced, got "${mode}"`);
  const given = options.languages && options.languages.length > 0 ? options.languages : ['eng'];
  const languages = [...new Set(given.map(tesseractLanguage))];
  const dpi = options.dpi ?? 300;
  if (!Number.isSafeInteger(dpi) || dpi < 72 || dpi > 600) throw new RangeError(`OCR dpi must be an integer from 72 to 600, got ${dpi}`);
  return { mode, languages: languages.join('+'), dpi };
}

/** A time budget shared by every process of one document's OCR, and the caller's signal to stop (a canceled job). */
export class Deadline {
  private readonly end: number;
  constructor(
    readonly timeoutMs: number,
    readonly signal?: AbortSignal,
  ) {
    this.end = Date.now() + timeoutMs;
  }
  remaining(): number {
    if (this.signal?.aborted) throw canceled();
    const left = this.end - Date.now();
    if (left <= 0) throw timedOut(this.timeoutMs);
    return left;
  }
}

export function canceled(): ExtractionError {
  return new ExtractionError('canceled', 'the extraction was canceled');
}

function timedOut(timeoutMs: number): ExtractionError {
  return new ExtractionError('timeout', `OCR of the document took longer than ${timeoutMs} ms; it was stopped`);
}

const INSTALL_HINT: Readonly<Record<string, string>> = {
  tesseract: 'Debian packages tesseract-ocr and tesseract-ocr-eng',
  pdftoppm: 'the Debian package poppler-utils',
};

/** Runs a program (no shell), killed when the deadline passes; a missing program is `ocr_unavailable` naming its package. */
export function run(program: string, args: readonly string[], deadline: Deadline): Promise<string> {
  const timeout = deadline.remaining();
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      // One thread per tesseract: pages run one after another and the machine's cores serve other requests.
      {
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        signal: deadline.signal,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const failure = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (deadline.signal?.aborted) return reject(canceled());
        if (failure.code === 'ENOENT') {
          return reject(
            new ExtractionError(
              'ocr_unavailable',
              `OCR needs the ${program} program, which is not installed: install ${INSTALL_HINT[program]}`,
            ),
          );
        }
        if (failure.killed || failure.signal === 'SIGKILL') return reject(timedOut(deadline.timeoutMs));
        const missingLanguage = /Failed loading language '([\w]+)'/.exec(stderr)?.[1];
        if (missingLanguage) {
          return reject(
            new ExtractionError(
              'ocr_unavailable',
              `OCR language "${missingLanguage}" is not installed: install the Debian package tesseract-ocr-${missingLanguage.toLowerCase().replace(/_/g, '-')}`,
            ),
          );
        }
        reject(
          new ExtractionError(
            'unreadable',
            `${program} could not read the document (${stderr.trim().split('\n').pop()?.slice(0, 200) ?? failure.message})`,
          ),
        );
      },
    );
  });
}

export async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'platform-ocr-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const tidy = (text: string) =>
  text
    .replace(/\f/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

async function tesseract(file: string, ocr: ResolvedOcr, deadline: Deadline): Promise<string> {
  return tidy(await run('tesseract', [file, 'stdout', '-l', ocr.languages], deadline));
}

/** The text of an image (PNG, JPEG, TIFF: every page of a multi-page TIFF). */
export async function ocrImage(data: Uint8Array, ocr: ResolvedOcr, deadline: Deadline): Promise<string> {
  return await inTempDir(async (dir) => {
    const file = join(dir, 'image');
    await writeFile(file, data);
    return await tesseract(file, ocr, deadline);
  });
}

/** The OCR text of the given PDF pages (1-based), each rendered at the resolution asked for, in page order. */
export async function ocrPdfPages(
  data: Uint8Array,
  pages: readonly number[],
  ocr: ResolvedOcr,
  deadline: Deadline,
): Promise<Map<number, string>> {
  return await inTempDir(async (dir) => {
    const pdf = join(dir, 'document.pdf');
    await writeFile(pdf, data);
    const texts = new Map<number, string>();
    // Page by page, so a long document's rendered images never sit on disk all at once.
    for (const page of pages) {
      const image = await renderPdfPage(dir, pdf, page, ocr.dpi, deadline);
      texts.set(page, await tesseract(image, ocr, deadline));
      await rm(image, { force: true });
    }
    return texts;
  });
}

/** Renders one PDF page with poppler's pdftoppm as PNG at `dpi` into `dir`; returns the file. */
export async function renderPdfPage(dir: string, pdf: string, page: number, dpi: number, deadline: Deadline): Promise<string> {
  const prefix = join(dir, `p${page}`);
  await run('pdftoppm', ['-r', String(dpi), '-png', '-f', String(page), '-l', String(page), pdf, prefix], deadline);
  const [image] = (await readdir(dir)).filter((name) => name.startsWith(`p${page}-`) && name.endsWith('.png'));
  if (!image) throw new ExtractionError('unreadable', `page ${page} of the PDF could not be rendered`);
  return join(dir, image);
}
