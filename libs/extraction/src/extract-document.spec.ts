import { docxDocument, pdfDocument, pptxDocument } from '@platform/test-fixtures';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { extractDocument } from './extract-document';
import { extractText } from './extract-text';
import { imageSize } from './page-pixels';
import { ExtractionError } from './extraction-error';
import { tesseractLanguage } from './languages';
import { liveExtractionWorkers } from './run-in-worker';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

async function refusal(promise: Promise<unknown>): Promise<ExtractionError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExtractionError);
  return err as ExtractionError;
}

/** The table's cells as rows of texts, the way a reader sees them. */
function grid(table: { rows: number; columns: number; cells: { row: number; column: number; text: string }[] }): string[][] {
  const rows = Array.from({ length: table.rows }, () => Array<string>(table.columns).fill(''));
  for (const cell of table.cells) rows[cell.row][cell.column] = cell.text;
  return rows;
}

describe('extractDocument: text-layer PDF', () => {
  it('gives each page its text, size and words with boxes, and reports progress page by page', async () => {
    const data = pdfDocument({ pages: [['Solar power report', 'Panels convert light into current.'], ['Second page text.']] });
    const progress: [number, number][] = [];
    const result = await extractDocument(
      { data, fileName: 'report.pdf' },
      { tokens: true, onProgress: (done, total) => progress.push([done, total]) },
    );
    expect(result).toMatchObject({ mimeType: 'application/pdf', totalPages: 2, ocrPages: [] });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(result.plainText).toBe('Solar power report\nPanels convert light into current.\n\nSecond page text.');
    expect(result.markdown).toBe('Solar power report\nPanels convert light into current.\n\nSecond page text.');
    expect(result.html).toContain('<section class="page" data-page="2">\n<p>Second page text.</p>');
    const { assembly } = result;
    expect(assembly.metadata).toEqual({
      document: 'report.pdf',
      media_type: 'application/pdf',
      total_pages: 2,
      ocr_pages: [],
      languages: [],
    });
    expect(assembly.pages).toEqual([
      { page_number: 1, width: 612, height: 792, unit: 'pt', rotation: 0 },
      { page_number: 2, width: 612, height: 792, unit: 'pt', rotation: 0 },
    ]);
    expect(assembly.structures).toEqual([
      { type: 'paragraph', page: 1, text: 'Solar power report\nPanels convert light into current.' },
      { type: 'paragraph', page: 2, text: 'Second page text.' },
    ]);
    // pdfDocument draws line l of a page at y = 720 - 18 l (from the bottom) in 12 pt Helvetica from x = 72.
    const words = assembly.tokens ?? [];
    expect(words.map((token) => token.text)).toEqual([
      'Solar',
      'power',
      'report',
      'Panels',
      'convert',
      'light',
      'into',
      'current.',
      'Second',
      'page',
      'text.',
    ]);
    const [solar] = words;
    expect(solar.page).toBe(1);
    expect(solar.bbox[0]).toBeCloseTo(72, 0);
    // The baseline is 792 - 720 = 72 pt from the top; the box is about a font size tall above it.
    expect(solar.bbox[3]).toBeCloseTo(72, 0);
    expect(solar.bbox[3] - solar.bbox[1]).toBeGreaterThan(8);
    expect(solar.bbox[3] - solar.bbox[1]).toBeLessThan(16);
    const panels = words[3];
    expect(panels.bbox[3] - solar.bbox[3]).toBeCloseTo(18, 0);
    // Words of one run follow each other from left to right.
    expect(words[1].bbox[0]).toBeGreaterThan(solar.bbox[2]);
    expect(words.at(-1)?.page).toBe(2);
  });

  it('leaves the words out unless asked for, and refuses a PDF without text when OCR is disabled', async () => {
    const data = pdfDocument({ pages: [['Only text.']] });
    expect((await extractDocument({ data, fileName: 'a.pdf' })).assembly.tokens).toBeUndefined();
    const blank = pdfDocument({ pages: [[]] });
    await expect(extractDocument({ data: blank, fileName: 'blank.pdf' }, { ocr: { mode: 'disabled' } })).rejects.toMatchObject({
      code: 'no_text',
    });
  });
});

describe('extractDocument: DOCX, HTML and Markdown', () => {
  it('gives a DOCX table as cells in the assembly, a GFM table in Markdown and a <table> in HTML', async () => {
    const data = docxDocument({
      paragraphs: ['Quarterly report for the board.'],
      table: [
        ['Region', 'Sales'],
        ['North', '42'],
        ['South', '17'],
      ],
    });
    const result = await extractDocument({ data, fileName: 'report.docx' });
    expect(result.totalPages).toBe(1);
    expect(result.assembly.pages).toEqual([{ page_number: 1, width: null, height: null, rotation: 0 }]);
    expect(result.assembly.tables).toHaveLength(1);
    const [table] = result.assembly.tables;
    expect(grid(table)).toEqual([
      ['Region', 'Sales'],
      ['North', '42'],
      ['South', '17'],
    ]);
    expect(table.cells.filter((cell) => cell.header).map((cell) => cell.text)).toEqual(['Region', 'Sales']);
    expect(result.assembly.structures).toEqual([
      { type: 'paragraph', page: 1, text: 'Quarterly report for the board.' },
      { type: 'table', page: 1, text: 'Region\tSales\nNorth\t42\nSouth\t17', table_index: 0 },
    ]);
    expect(result.markdown).toContain('| Region | Sales |\n| --- | --- |\n| North | 42 |\n| South | 17 |');
    expect(result.html).toMatch(/<table>\s*<thead>\s*<tr>\s*<th>Region<\/th>\s*<th>Sales<\/th>/);
    expect(result.html).toMatch(/<td>North<\/td>\s*<td>42<\/td>/);
    expect(result.plainText).toBe('Quarterly report for the board.\n\nRegion\tSales\nNorth\t42\nSouth\t17');

    const flat = await extractDocument({ data, fileName: 'report.docx' }, { tables: false });
    expect(flat.assembly.tables).toEqual([]);
    expect(flat.html).not.toContain('<table>');
    expect(flat.assembly.structures.map((s) => s.text)).toEqual([
      'Quarterly report for the board.',
      'Region Sales',
      'North 42',
      'South 17',
    ]);
  });

  it('gives a PPTX a page per slide', async () => {
    const data = pptxDocument([['Solar energy', 'Panels convert light'], ['Wind energy'], ['Summary slide']]);
    const progress: [number, number][] = [];
    const result = await extractDocument({ data, fileName: 'deck.pptx' }, { onProgress: (done, total) => progress.push([done, total]) });
    expect(result.totalPages).toBe(3);
    expect(progress).toEqual([[3, 3]]);
    expect(result.assembly.structures).toEqual([
      { type: 'paragraph', page: 1, text: 'Solar energy\nPanels convert light' },
      { type: 'paragraph', page: 2, text: 'Wind energy' },
      { type: 'paragraph', page: 3, text: 'Summary slide' },
    ]);
    expect(result.assembly.pages.map((page) => page.page_number)).toEqual([1, 2, 3]);
    expect(result.html).toContain('<section class="page" data-page="3">\n<p>Summary slide</p>');
    await expect(extractDocument({ data, fileName: 'deck.pptx' }, { limits: { maxPages: 2 } })).rejects.toMatchObject({
      code: 'too_large',
    });
  });

  it('gives each XLSX sheet a section title and its table as cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sales = workbook.addWorksheet('Sales');
    sales.addRow(['Region', 'Sales']);
    sales.addRow(['North', 42]);
    workbook.addWorksheet('Notes').addRow(['Checked by audit']);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const { assembly } = await extractDocument({ data, fileName: 'sales.xlsx' });
    expect(assembly.structures.map((s) => [s.type, s.text])).toEqual([
      ['section_title', 'Sales'],
      ['table', 'Region\tSales\nNorth\t42'],
      ['section_title', 'Notes'],
      ['table', 'Checked by audit'],
    ]);
    expect(assembly.tables.map(grid)).toEqual([
      [
        ['Region', 'Sales'],
        ['North', '42'],
      ],
      [['Checked by audit']],
    ]);
  });

  it('reads an HTML page into titles, sections, list items by level, a table and code; its scripts never reach the HTML', async () => {
    const page = `<!DOCTYPE html>
<html><head><title>Stars</title><script>alert("no")</script></head><body>
<h1>Stars</h1>
<p>The <b>Sun</b> is a <a href="https://example.org/sun">star</a>; see <a href="javascript:alert(1)">this</a>.</p>
<h2>Kinds</h2>
<ul><li>Dwarfs<ul><li>Red dwarfs</li></ul></li><li>Giants</li></ul>
<table><thead><tr><th>Name</th><th>Type</th></tr></thead><tbody><tr><td>Sun</td><td>G2V | main sequence</td></tr></tbody></table>
<pre><code>luminosity = 4 * pi * r^2</code></pre>
<p><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk" alt="A photo of the Sun"></p>
</body></html>`;
    const result = await extractDocument({ data: utf8(page), fileName: 'stars.html' });
    expect(result.mimeType).toBe('text/html');
    expect(result.assembly.structures).toEqual([
      { type: 'title', page: 1, text: 'Stars', level: 1 },
      { type: 'paragraph', page: 1, text: 'The Sun is a star; see this.' },
      { type: 'section_title', page: 1, text: 'Kinds', level: 2 },
      { type: 'list_item', page: 1, text: 'Dwarfs', level: 1 },
      { type: 'list_item', page: 1, text: 'Red dwarfs', level: 2 },
      { type: 'list_item', page: 1, text: 'Giants', level: 1 },
      { type: 'table', page: 1, text: 'Name\tType\nSun\tG2V | main sequence', table_index: 0 },
      { type: 'code', page: 1, text: 'luminosity = 4 * pi * r^2' },
      { type: 'paragraph', page: 1, text: 'A photo of the Sun' },
    ]);
    // An inlined image's bytes are not text.
    expect(result.markdown).not.toMatch(/base64|data:/);
    expect(grid(result.assembly.tables[0])).toEqual([
      ['Name', 'Type'],
      ['Sun', 'G2V | main sequence'],
    ]);
    expect(result.html).toContain('<title>stars.html</title>');
    expect(result.html).toContain('<a href="https://example.org/sun">star</a>');
    expect(result.html).not.toMatch(/javascript:|<script/);
  });

  it('shows raw HTML inside Markdown as text, and reads plain text as paragraphs whose markup characters stay text', async () => {
    const md = await extractDocument({ data: utf8('# Notes\n\n<script>alert(1)</script>\n\n1. first\n2. second\n'), fileName: 'notes.md' });
    expect(md.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md.html).not.toContain('<script>');
    expect(md.assembly.structures.map((s) => s.type)).toEqual(['title', 'paragraph', 'list_item', 'list_item']);

    const text = await extractDocument({
      data: utf8('# not a heading\n*not emphasis* | 3 < 4\n\nsecond paragraph'),
      fileName: 'plain.txt',
    });
    expect(text.assembly.structures).toEqual([
      { type: 'paragraph', page: 1, text: '# not a heading\n*not emphasis* | 3 < 4' },
      { type: 'paragraph', page: 1, text: 'second paragraph' },
    ]);
    expect(text.plainText).toBe('# not a heading\n*not emphasis* | 3 < 4\n\nsecond paragraph');
    expect(text.html).toContain('<p># not a heading\n*not emphasis* | 3 &lt; 4</p>');
  });
});

describe('extractDocument: threads', () => {
  it('assembles a long document in a worker thread, leaving the event loop free', async () => {
    const section = (i: number) =>
      `## Part ${i}\n\nA paragraph about **stars** and [their cores](https://example.org/${i}).\n\n| a | b |\n| --- | --- |\n| ${i} | x |\n\n`;
    const markdown = Array.from({ length: 2000 }, (_, i) => section(i)).join('');
    let ticks = 0;
    let busiest = 0;
    const ticker = setInterval(() => {
      ticks++;
      busiest = Math.max(busiest, liveExtractionWorkers());
    }, 2);
    try {
      const result = await extractDocument({ data: utf8(markdown), fileName: 'long.md' });
      expect(result.assembly.tables).toHaveLength(2000);
      expect(result.assembly.structures).toHaveLength(6000);
    } finally {
      clearInterval(ticker);
    }
    // The Markdown is small enough to be read on this thread; its assembly ran in a worker the ticker saw.
    expect(ticks).toBeGreaterThan(0);
    expect(busiest).toBe(1);
    expect(liveExtractionWorkers()).toBe(0);
  });
});

describe('extractDocument: limits, cancel and languages', () => {
  it('refuses an image or a page whose raster would be huge before anything decodes or renders it', async () => {
    // A PNG header declaring 20000 × 20000 pixels (a decompression bomb's first bytes): refused from its header.
    const header = Buffer.alloc(33);
    header.write('\x89PNG\r\n\x1a\n', 0, 'latin1');
    header.writeUInt32BE(13, 8);
    header.write('IHDR', 12, 'latin1');
    header.writeUInt32BE(20_000, 16);
    header.writeUInt32BE(20_000, 20);
    const bomb = await refusal(extractDocument({ data: header, fileName: 'bomb.png' }));
    expect(bomb.code).toBe('too_large');
    expect(bomb.message).toMatch(/the image is 20000 × 20000 pixels, above the limit of 150000000/);
    expect((await refusal(extractText({ data: header, fileName: 'bomb.png', ocr: { mode: 'enabled' } }))).code).toBe('too_large');
    expect(imageSize(header)).toEqual({ width: 20_000, height: 20_000 });
    // A PDF page of 4000 × 4000 points (55 inches square): its image at 600 dpi would be 33334 pixels square. (The
    // longer MediaBox shifts the objects; pdf.js finds them again, as readers do.)
    const poster = Buffer.from(
      pdfDocument({ pages: [['A poster.']] })
        .toString('latin1')
        .replace('/MediaBox [0 0 612 792]', '/MediaBox [0 0 4000 4000]'),
      'latin1',
    );
    const huge = await refusal(extractDocument({ data: poster, fileName: 'poster.pdf' }, { pageImages: true, outputDpi: 600 }));
    expect(huge.message).toMatch(/page 1 at 600 dpi is 33334 × 33334 pixels/);
    // Its text alone is fine.
    expect((await extractDocument({ data: poster, fileName: 'poster.pdf' })).plainText).toBe('A poster.');
  });

  it('refuses as extractText does, stops on its signal, and maps ISO 639-1 codes to Tesseract languages', async () => {
    await expect(extractDocument({ data: utf8('x'.repeat(100)), fileName: 'a.txt' }, { limits: { maxBytes: 10 } })).rejects.toMatchObject({
      code: 'too_large',
    });
    await expect(extractDocument({ data: utf8('a'), fileName: 'a.exe' })).rejects.toMatchObject({ code: 'unsupported_type' });
    await expect(extractDocument({ data: utf8('a'), fileName: 'a.txt' }, { outputDpi: 1000 })).rejects.toThrow(RangeError);

    const controller = new AbortController();
    const pages = Array.from({ length: 300 }, (_, i) => [`Page ${i + 1} of a long report.`]);
    const reading = extractDocument({ data: pdfDocument({ pages }), fileName: 'long.pdf' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await reading.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExtractionError);
    expect((err as ExtractionError).code).toBe('canceled');
    expect(liveExtractionWorkers()).toBe(0);
    await expect(extractDocument({ data: utf8('short'), fileName: 'a.txt' }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'canceled',
    });

    expect(['en', 'fr', 'de', 'en-US', 'zh', 'zh-TW', 'eng', 'chi_sim'].map(tesseractLanguage)).toEqual([
      'eng',
      'fra',
      'deu',
      'eng',
      'chi_sim',
      'chi_tra',
      'eng',
      'chi_sim',
    ]);
    expect(() => tesseractLanguage('xx')).toThrow(/not an ISO 639-1 code of a language Tesseract reads/);
    expect(() => tesseractLanguage('-l eng')).toThrow(RangeError);
  });
});
