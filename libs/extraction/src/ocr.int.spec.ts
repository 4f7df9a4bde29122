import { pdfDocument, parsePgm, scannedPdf } from '@platform/test-fixtures';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractText } from './extract-text';
import { ExtractionError } from './extraction-error';

const SENTENCE = 'The quick brown fox jumps over the lazy dog beside a quiet river bank';
const work = mkdtempSync(join(tmpdir(), 'ocr-spec-'));
// The library's temporary directories go under this file's own TMPDIR, so "none left behind" counts only its own
// (other processes on the machine OCR documents too, and one killed mid-page leaves its directory).
const ownTmp = mkdtempSync(join(work, 'tmp-'));
const outerTmp = process.env.TMPDIR;
beforeAll(() => {
  process.env.TMPDIR = ownTmp;
});
afterAll(() => {
  if (outerTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outerTmp;
  rmSync(work, { recursive: true, force: true });
});

/** The page of a text-layer PDF with the sentence, rendered by poppler as a scanner would see it. */
function renderSentence(format: 'gray' | 'png'): Buffer {
  const pdf = join(work, `source-${format}.pdf`);
  writeFileSync(pdf, pdfDocument({ pages: [[SENTENCE]] }));
  execFileSync('pdftoppm', ['-r', '200', `-${format}`, '-singlefile', pdf, join(work, `scan-${format}`)]);
  return readFileSync(join(work, `scan-${format}.${format === 'gray' ? 'pgm' : 'png'}`));
}

/** Share of the sentence's words that OCR gave back, in a bag-of-words match (each recognised word counted once). */
function wordAccuracy(text: string): number {
  const words = (s: string): string[] => s.toLowerCase().match(/[a-z]+/g) ?? [];
  const found = words(text);
  const expected = words(SENTENCE);
  const hits = expected.filter((word) => {
    const at = found.indexOf(word);
    if (at >= 0) found.splice(at, 1);
    return at >= 0;
  });
  return hits.length / expected.length;
}

async function refusal(promise: Promise<unknown>): Promise<ExtractionError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExtractionError);
  return err as ExtractionError;
}

describe('extractText: OCR with Tesseract', () => {
  it('reads a scanned PDF (no text layer) by OCR when enabled, and refuses it as no_text when disabled', async () => {
    const scanned = scannedPdf([parsePgm(renderSentence('gray'))]);
    expect((await refusal(extractText({ data: scanned, fileName: 'scan.pdf' }))).code).toBe('no_text');

    const result = await extractText({ data: scanned, fileName: 'scan.pdf', ocr: { mode: 'enabled', languages: ['eng'], dpi: 300 } });
    const accuracy = wordAccuracy(result.text);
    console.log(`OCR word accuracy on the scanned PDF page: ${accuracy.toFixed(2)} (${JSON.stringify(result.text)})`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    expect(result).toMatchObject({ mimeType: 'application/pdf', pages: 1, ocrPages: [1] });
  });

  it('reads a PNG by OCR, told by its signature', async () => {
    const result = await extractText({ data: renderSentence('png'), ocr: { mode: 'enabled' } });
    const accuracy = wordAccuracy(result.text);
    console.log(`OCR word accuracy on the PNG: ${accuracy.toFixed(2)}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    expect(result.mimeType).toBe('image/png');
    const disabled = await refusal(extractText({ data: renderSentence('png'), fileName: 'page.png' }));
    expect(disabled.code).toBe('no_text');
    expect(disabled.message).toMatch(/"image\/png" is an image without a text layer/);
  });

  it('keeps the text layer when enabled, and OCRs every page when forced', async () => {
    const data = pdfDocument({ pages: [[SENTENCE]] });
    const enabled = await extractText({ data, fileName: 'text.pdf', ocr: { mode: 'enabled' } });
    expect(enabled).toMatchObject({ text: SENTENCE, ocrPages: [] });
    const forced = await extractText({ data, fileName: 'text.pdf', ocr: { mode: 'forced' } });
    expect(forced.ocrPages).toEqual([1]);
    expect(wordAccuracy(forced.text)).toBeGreaterThanOrEqual(0.8);
  });

  it('names the package to install for a missing language or program, and stops OCR at the time limit', async () => {
    const png = renderSentence('png');
    const language = await refusal(extractText({ data: png, fileName: 'page.png', ocr: { mode: 'enabled', languages: ['zzz'] } }));
    expect(language.code).toBe('ocr_unavailable');
    expect(language.message).toMatch(/tesseract-ocr-zzz/);

    const path = process.env.PATH;
    process.env.PATH = join(work, 'no-programs-here');
    try {
      const missing = await refusal(extractText({ data: png, fileName: 'page.png', ocr: { mode: 'enabled' } }));
      expect(missing.code).toBe('ocr_unavailable');
      expect(missing.message).toMatch(/install Debian packages tesseract-ocr and tesseract-ocr-eng/);
    } finally {
      process.env.PATH = path;
    }

    expect((await refusal(extractText({ data: png, fileName: 'page.png', ocr: { mode: 'enabled' } }, { timeoutMs: 5 }))).code).toBe(
      'timeout',
    );
    // Stopped mid-document (the limit falls inside its 4 pages' OCR): no tesseract or pdftoppm left running, no pages left on disk.
    const scan = parsePgm(renderSentence('gray'));
    const long = scannedPdf([scan, scan, scan, scan]);
    const started = Date.now();
    const stopped = await refusal(extractText({ data: long, fileName: 'long.pdf', ocr: { mode: 'enabled' } }, { timeoutMs: 1500 }));
    console.log(`4-page scan stopped after ${Date.now() - started} ms: ${stopped.message}`);
    expect(stopped.code).toBe('timeout');
    // ps exits 1 when this process has no children at all, which passes too.
    expect(spawnSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' }).stdout).not.toMatch(/tesseract|pdftoppm/);
    expect(readdirSync(ownTmp)).toEqual([]);
    await expect(extractText({ data: png, fileName: 'page.png', ocr: { mode: 'enabled', languages: ['-l eng'] } })).rejects.toThrow(
      RangeError,
    );
  });
});
