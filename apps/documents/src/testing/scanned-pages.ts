import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePgm, pdfDocument, scannedPdf } from '@platform/test-fixtures';

/** A scanned PDF (no text layer) whose pages show these sentences, rendered by poppler as a scanner would see them. */
export function scannedSentences(sentences: readonly string[]): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'documents-scan-'));
  try {
    const pages = sentences.map((sentence, i) => {
      const pdf = join(work, `source-${i}.pdf`);
      writeFileSync(pdf, pdfDocument({ pages: [[sentence]] }));
      execFileSync('pdftoppm', ['-r', '200', '-gray', '-singlefile', pdf, join(work, `scan-${i}`)]);
      return parsePgm(readFileSync(join(work, `scan-${i}.pgm`)));
    });
    return scannedPdf(pages);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A PDF page holding the sentence twice over: its scanned picture and, under it, the text layer Tesseract writes
 * (Tesseract's own image + text PDF), so the page has a text layer and an embedded picture.
 */
export function pictureWithTextPdf(sentence: string): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'documents-sandwich-'));
  try {
    const pdf = join(work, 'source.pdf');
    writeFileSync(pdf, pdfDocument({ pages: [[sentence]] }));
    execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', pdf, join(work, 'scan')]);
    execFileSync('tesseract', [join(work, 'scan.png'), join(work, 'sandwich'), 'pdf'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
    return readFileSync(join(work, 'sandwich.pdf'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Share of the sentence's words found in the text, each found word counted once (bag of words). */
export function wordAccuracy(expected: string, text: string): number {
  const words = (s: string): string[] => s.toLowerCase().match(/[a-z]+/g) ?? [];
  const found = words(text);
  const wanted = words(expected);
  const hits = wanted.filter((word) => {
    const at = found.indexOf(word);
    if (at >= 0) found.splice(at, 1);
    return at >= 0;
  });
  return hits.length / wanted.length;
}
