import { docxDocument, pptxDocument } from '@platform/test-fixtures';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { extractText } from './extract-text';

describe('extractText: Office documents', () => {
  it('reads a DOCX as Markdown, its table as a GFM table with the cells in place', async () => {
    const data = docxDocument({
      paragraphs: ['Quarterly report for the board.'],
      table: [
        ['Region', 'Sales'],
        ['North', '42'],
      ],
    });
    const result = await extractText({ data, fileName: 'report.docx' });
    console.log(result.text);
    expect(result.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(result.format).toBe('markdown');
    expect(result.text).toContain('Quarterly report for the board.');
    const rows = result.text.split('\n').filter((line) => line.startsWith('|'));
    expect(
      rows.map((row) =>
        row
          .split('|')
          .map((cell) => cell.trim())
          .filter((cell) => cell !== ''),
      ),
    ).toEqual([
      ['Region', 'Sales'],
      ['---', '---'],
      ['North', '42'],
    ]);
  });

  it('reads each XLSX sheet as a Markdown table headed by its first row, cells as their shown text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sales = workbook.addWorksheet('Sales');
    sales.addRow(['Region', 'Sales']);
    sales.addRow(['North', 42]);
    sales.addRow(['South | East', 7.5]);
    workbook.addWorksheet('Notes').addRow(['Checked by audit']);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const result = await extractText({ data, fileName: 'sales.xlsx' });
    console.log(result.text);
    expect(result.format).toBe('markdown');
    expect(result.text).toBe(
      [
        '## Sales',
        '',
        '| Region | Sales |',
        '| --- | --- |',
        '| North | 42 |',
        '| South \\| East | 7.5 |',
        '',
        '## Notes',
        '',
        '| Checked by audit |',
        '| --- |',
      ].join('\n'),
    );
  });

  it('reads the text of a PPTX slide by slide, in order', async () => {
    const data = pptxDocument([['Solar energy', 'Panels convert light'], ['Wind energy'], ['Summary slide']]);
    const result = await extractText({ data, fileName: 'deck.pptx' });
    console.log(result.text);
    expect(result.mimeType).toBe('application/vnd.openxmlformats-officedocument.presentationml.presentation');
    const order = ['Solar energy', 'Panels convert light', 'Wind energy', 'Summary slide'].map((text) => result.text.indexOf(text));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('refuses a corrupt DOCX as unreadable', async () => {
    await expect(extractText({ data: Buffer.from('PK not a zip'), fileName: 'broken.docx' })).rejects.toMatchObject({ code: 'unreadable' });
  });
});
