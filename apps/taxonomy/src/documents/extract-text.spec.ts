import { describe, expect, it } from 'vitest';
import { extractText } from './extract-text';
import { docxDocument, minimalPdf, pdfDocument } from '@platform/test-fixtures';

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

  it('reads office and web formats as the documents service does: a DOCX table comes out as a Markdown table', async () => {
    const docx = docxDocument({
      paragraphs: ['Planets of the inner solar system.'],
      table: [
        ['Planet', 'Moons'],
        ['Earth', '1'],
        ['Mars', '2'],
      ],
    });
    const text = await extractText('docs/planets.docx', docx);
    expect(text).toContain('Planets of the inner solar system.');
    expect(text).toMatch(/\|\s*Mars\s*\|\s*2\s*\|/);
    expect(await extractText('docs/sun.html', Buffer.from('<h1>The Sun</h1><p>A G-type star.</p>'))).toMatch(
      /The Sun[\s\S]*A G-type star\./,
    );
  });

  it('refuses other types, non-UTF-8 Markdown and broken or password-protected PDFs, naming the file', async () => {
    await expect(extractText('notes.exe', Buffer.from('x'))).rejects.toThrow(/notes.exe: unsupported document type ".exe"/);
    await expect(extractText('bad.md', Buffer.from([0xff, 0xfe, 0x00]))).rejects.toThrow(/UTF-8/);
    await expect(extractText('bad.pdf', Buffer.from('%PDF-1.4 nothing else'))).rejects.toMatchObject({ rule: 'unsupported-document' });
    await expect(extractText('docs/locked.pdf', pdfDocument({ pages: [['x']], userPassword: 'pw' }))).rejects.toMatchObject({
      rule: 'unsupported-document',
      message: expect.stringMatching(/^docs\/locked.pdf: the PDF is password-protected/),
    });
  });
});
