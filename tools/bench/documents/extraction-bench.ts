import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractDocument, type DocumentExtractionOptions } from '@platform/extraction';
import { parsePgm, pdfDocument, scannedPdf } from '@platform/test-fixtures/documents';
import type { BenchRow } from './bench-row';

/** Sizes of the extraction part: text-layer pages are cheap, OCR pages about a second each on one core. */
export interface ExtractionBenchSizes {
  textPages: number;
  ocrPages: number;
}

const WORDS = 'solar wind river bank quiet morning train baker panels current village light report energy north south'.split(' ');

/** A page of 40 lines of 10 words each, deterministic, as a report's body text. */
function pageLines(page: number): string[] {
  return Array.from({ length: 40 }, (_, line) =>
    Array.from({ length: 10 }, (_, word) => WORDS[(page * 7 + line * 3 + word * 5) % WORDS.length]).join(' '),
  );
}

/** Share of the page's words OCR gave back (bag of words, each recognised word counted once). */
function wordAccuracy(expected: readonly string[], text: string): number {
  const found: string[] = text.toLowerCase().match(/[a-z]+/g) ?? [];
  const hits = expected.filter((word) => {
    const at = found.indexOf(word);
    if (at >= 0) found.splice(at, 1);
    return at >= 0;
  });
  return hits.length / expected.length;
}

async function timed(
  workload: string,
  data: Buffer,
  pages: number,
  options: DocumentExtractionOptions,
  expectedWords?: string[],
): Promise<BenchRow> {
  const started = performance.now();
  const result = await extractDocument({ data, fileName: 'bench.pdf' }, { limits: { timeoutMs: 3_600_000 }, ...options });
  const seconds = (performance.now() - started) / 1000;
  if (result.totalPages !== pages) throw new Error(`${workload}: expected ${pages} pages, read ${result.totalPages}`);
  const accuracy = expectedWords ? `, OCR word accuracy ${wordAccuracy(expectedWords, result.plainText).toFixed(2)}` : '';
  return {
    workload,
    units: `${pages} pages`,
    seconds,
    rate: `${(pages / seconds).toFixed(2)} pages/s`,
    notes: `${result.ocrPages.length} OCR pages, ${result.assembly.structures.length} structures${accuracy}`,
  };
}

/**
 * Pages per second of `extractDocument` (all outputs: Markdown, HTML, plain text, assembly) on a text-layer PDF and
 * on a scanned PDF of the same kind of pages (OCR at 300 dpi), side by side, plus OCR with rotation correction.
 */
export async function extractionBench(sizes: ExtractionBenchSizes): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-documents-'));
  try {
    const textPdf = pdfDocument({ pages: Array.from({ length: sizes.textPages }, (_, page) => pageLines(page)) });
    // The scanned document: text-layer pages rendered at 200 dpi greyscale by poppler, as a scanner would give them.
    const scans = Array.from({ length: sizes.ocrPages }, (_, page) => {
      const source = join(work, `page-${page}.pdf`);
      writeFileSync(source, pdfDocument({ pages: [pageLines(page)] }));
      execFileSync('pdftoppm', ['-r', '200', '-gray', '-singlefile', source, join(work, `scan-${page}`)]);
      return parsePgm(readFileSync(join(work, `scan-${page}.pgm`)));
    });
    const scanned = scannedPdf(scans);
    const ocrWords = Array.from({ length: sizes.ocrPages }, (_, page) => pageLines(page).join(' ').split(' ')).flat();
    const text = await timed('text-layer PDF', textPdf, sizes.textPages, {});
    const rows = [
      text,
      await timed('text-layer PDF, words with boxes', textPdf, sizes.textPages, { tokens: true }),
      await timed('scanned PDF, OCR 300 dpi', scanned, sizes.ocrPages, {}, ocrWords),
      await timed('scanned PDF, OCR 300 dpi + rotation correction', scanned, sizes.ocrPages, { autoRotation: true }, ocrWords),
    ];
    // Side by side: how many times longer an OCR page takes than a text-layer page.
    const perPage = (row: BenchRow, pages: number) => row.seconds / pages;
    for (const row of rows.slice(2)) {
      row.notes += `; ${(perPage(row, sizes.ocrPages) / perPage(text, sizes.textPages)).toFixed(0)}× a text-layer page's time`;
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
