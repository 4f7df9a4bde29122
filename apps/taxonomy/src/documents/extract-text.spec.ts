import { describe, expect, it } from 'vitest';
import { extractText } from './extract-text';
import { minimalPdf, pdfDocument } from '@platform/test-fixtures';

describe('extractText', () => {
  it('keeps Markdown as it is', async () => {
    expect(await extractText('docs/sun.md', Buffer.from('# The Sun\n\nA G-type star.\n'))).toBe('# The Sun\n\nA G-type star.\n');
  });

  it('reads the text of a real PDF', async () => {
    const text = await extractText(
      'docs/sun.pdf',
      minimalPdf(['The Sun is a G-type main-sequence star.', 'Its core fuses hydrogen (mostly).']),
    );
    expect(text).toContain('The Sun is a G-type main-sequence star.');
    expect(text).toContain('Its core fuses hydrogen (mostly).');
  });

  it('refuses other types, non-UTF-8 Markdown and broken PDFs', async () => {
    await expect(extractText('notes.txt', Buffer.from('x'))).rejects.toThrow(/unsupported document type ".txt"/);
    await expect(extractText('bad.md', Buffer.from([0xff, 0xfe, 0x00]))).rejects.toThrow(/UTF-8/);
    await expect(extractText('bad.pdf', Buffer.from('%PDF-1.4 nothing else'))).rejects.toMatchObject({ rule: 'unsupported-document' });
  });

  it('refuses scanned and password-protected PDFs, naming the file', async () => {
    await expect(extractText('docs/scan.pdf', pdfDocument({ pages: [[]] }))).rejects.toMatchObject({
      rule: 'unsupported-document',
      message: 'docs/scan.pdf: the PDF holds no extractable text (scanned pages need OCR first)',
    });
    await expect(extractText('docs/locked.pdf', pdfDocument({ pages: [['x']], userPassword: 'pw' }))).rejects.toMatchObject({
      rule: 'unsupported-document',
      message: expect.stringMatching(/^docs\/locked.pdf: the PDF is password-protected/),
    });
  });
});
