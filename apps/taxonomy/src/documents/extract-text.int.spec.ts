import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePgm, pdfDocument, scannedPdf } from '@platform/test-fixtures';
import { extractText } from './extract-text';

const work = mkdtempSync(join(tmpdir(), 'taxonomy-ocr-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A scanned page of the sentence: a text-layer PDF rendered by poppler, put into a PDF as an image only. */
function scannedSentence(sentence: string): Buffer {
  const source = join(work, 'source.pdf');
  writeFileSync(source, pdfDocument({ pages: [[sentence]] }));
  execFileSync('pdftoppm', ['-r', '200', '-gray', '-singlefile', source, join(work, 'scan')]);
  return scannedPdf([parsePgm(readFileSync(join(work, 'scan.pgm')))]);
}

describe('extractText of knowledge documents with Tesseract', () => {
  it('reads a scanned PDF page by OCR', async () => {
    const text = await extractText('docs/scan.pdf', scannedSentence('The Sun is a yellow dwarf star'));
    expect(text.toLowerCase()).toContain('yellow dwarf star');
  });

  it('refuses a PDF in which neither a text layer nor OCR finds text, naming the file', async () => {
    await expect(extractText('docs/blank.pdf', pdfDocument({ pages: [[]] }))).rejects.toMatchObject({
      rule: 'unsupported-document',
      message: expect.stringMatching(/^docs\/blank.pdf: neither a text layer nor OCR found text/),
    });
  });
});
