import { createCanvas, loadImage } from '@napi-rs/canvas';
import { parsePgm, pdfDocument, scannedPdf, zipArchive, type GrayImage } from '@platform/test-fixtures';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractDocument } from './extract-document';

// Enough lines of Latin text for Tesseract's orientation detection to be sure of a page's turn.
const LINES = [
  'The quick brown fox jumps over the lazy dog beside a quiet river bank',
  'Solar panels convert sunlight into electric current for the village',
  'Every morning the baker opens the shop before the first train leaves',
  'Rotation correction turns a sideways scan upright before recognition',
];
const work = mkdtempSync(join(tmpdir(), 'document-ocr-spec-'));
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

/** A text-layer PDF page with the lines, rendered by poppler at 200 dpi as a scanner would see it. */
function scan(format: 'gray' | 'png'): Buffer {
  const pdf = join(work, `source-${format}.pdf`);
  writeFileSync(pdf, pdfDocument({ pages: [LINES] }));
  execFileSync('pdftoppm', ['-r', '200', `-${format}`, '-singlefile', pdf, join(work, `scan-${format}`)]);
  return readFileSync(join(work, `scan-${format}.${format === 'gray' ? 'pgm' : 'png'}`));
}

/** The raster turned half a turn, as a page fed upside down into a scanner. */
function upsideDown(image: GrayImage): GrayImage {
  return { ...image, pixels: Uint8Array.from(image.pixels).reverse() };
}

/** A PNG turned a quarter turn clockwise, as a landscape scan of a portrait page. */
async function sideways(png: Buffer): Promise<Buffer> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.height, image.width);
  const context = canvas.getContext('2d');
  context.translate(canvas.width / 2, canvas.height / 2);
  context.rotate(Math.PI / 2);
  context.drawImage(image, -image.width / 2, -image.height / 2);
  return await canvas.encode('png');
}

/** Share of the lines' words that OCR gave back, in a bag-of-words match (each recognised word counted once). */
function wordAccuracy(text: string): number {
  const words = (s: string): string[] => s.toLowerCase().match(/[a-z]+/g) ?? [];
  const found = words(text);
  const expected = words(LINES.join(' '));
  const hits = expected.filter((word) => {
    const at = found.indexOf(word);
    if (at >= 0) found.splice(at, 1);
    return at >= 0;
  });
  return hits.length / expected.length;
}

/** A PNG's size from its IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const bytes = Buffer.from(png);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A DOCX with a paragraph, then a picture (the PNG, inline in its own paragraph), then another paragraph. */
function docxWithPicture(png: Uint8Array): Buffer {
  const ns = {
    w: 'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
    r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
    wp: 'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing',
    a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
    pic: 'http://schemas.openxmlformats.org/drawingml/2006/picture',
  };
  const paragraph = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;
  const drawing =
    '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="5486400" cy="7100000"/><wp:docPr id="1" name="Scan"/>' +
    `<a:graphic><a:graphicData uri="${ns.pic}"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="scan.png"/><pic:cNvPicPr/></pic:nvPicPr>` +
    '<pic:blipFill><a:blip r:embed="rIdScan"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>';
  const xmlns = Object.entries(ns)
    .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
    .join(' ');
  return zipArchive({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Default Extension="png" ContentType="image/png"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      `<Relationship Id="rId1" Type="${ns.r}/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/_rels/document.xml.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      `<Relationship Id="rIdScan" Type="${ns.r}/image" Target="media/scan.png"/></Relationships>`,
    'word/media/scan.png': png,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?><w:document ${xmlns}><w:body>${paragraph('Before the picture.')}${drawing}${paragraph('After the picture.')}</w:body></w:document>`,
  });
}

describe('extractDocument: OCR, rotation correction and page images (Tesseract, pdftoppm)', () => {
  it('reads a scanned PDF by OCR: its text, words with boxes in points, and progress', async () => {
    const data = scannedPdf([parsePgm(scan('gray'))]);
    const progress: [number, number][] = [];
    const result = await extractDocument(
      { data, fileName: 'scan.pdf' },
      { ocr: { languages: ['en'] }, tokens: true, onProgress: (done, total) => progress.push([done, total]) },
    );
    const accuracy = wordAccuracy(result.plainText);
    console.log(`OCR word accuracy on the scanned PDF page: ${accuracy.toFixed(2)}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    expect(result).toMatchObject({ totalPages: 1, ocrPages: [1] });
    // The page count as soon as it is known, then each page as its OCR ends.
    expect(progress).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(result.assembly.metadata).toMatchObject({ ocr_pages: [1], languages: ['eng'] });
    const [page] = result.assembly.pages;
    expect(page).toMatchObject({ page_number: 1, unit: 'pt', rotation: 0 });
    expect([page.width, page.height]).toEqual([612, 792]);
    const tokens = result.assembly.tokens ?? [];
    const fox = tokens.find((token) => token.text === 'fox');
    expect(fox).toBeDefined();
    // The first line's baseline is 72 pt below the top, its text from x = 72 pt (pdfDocument's layout).
    expect(fox?.bbox[3]).toBeGreaterThan(60);
    expect(fox?.bbox[3]).toBeLessThan(80);
    expect(fox?.bbox[0]).toBeGreaterThan(72);
    expect(fox?.confidence).toBeGreaterThan(50);
    expect(tokens.every((token) => token.bbox[0] < token.bbox[2] && token.bbox[1] < token.bbox[3] && token.bbox[2] <= 612)).toBe(true);
    expect(result.assembly.structures.every((structure) => structure.type === 'paragraph')).toBe(true);
    expect(readdirSync(ownTmp)).toEqual([]);
    // OCR stays enabled when the caller names only its languages; a blank page is no text, OCR or not.
    await expect(
      extractDocument({ data: pdfDocument({ pages: [[]] }), fileName: 'blank.pdf' }, { ocr: { mode: undefined, languages: ['en'] } }),
    ).rejects.toThrow(/neither a text layer nor OCR found text/);
  });

  it('turns an upside-down scanned page upright before OCR (rotation 180), which reading it as it is cannot do', async () => {
    const data = scannedPdf([upsideDown(parsePgm(scan('gray')))]);
    const asIs = await extractDocument({ data, fileName: 'upside-down.pdf' });
    const corrected = await extractDocument(
      { data, fileName: 'upside-down.pdf' },
      { autoRotation: true, pageImages: true, outputDpi: 100 },
    );
    const [before, after] = [wordAccuracy(asIs.plainText), wordAccuracy(corrected.plainText)];
    console.log(`OCR word accuracy on an upside-down scan: ${before.toFixed(2)} as it is, ${after.toFixed(2)} with rotation correction`);
    expect(after).toBeGreaterThanOrEqual(0.8);
    expect(corrected.assembly.pages[0].rotation).toBe(180);
    expect(asIs.assembly.pages[0].rotation).toBe(0);
    // The page image at 100 dpi of a US Letter page, upright.
    expect(corrected.pageImages.map((image) => image.page)).toEqual([1]);
    expect(pngSize(corrected.pageImages[0].png)).toEqual({ width: 850, height: 1100 });
  });

  it('turns a sideways PNG upright (rotation 270) and gives the upright image as its page image', async () => {
    const png = await sideways(scan('png'));
    expect(pngSize(png)).toEqual({ width: 2200, height: 1700 });
    const result = await extractDocument({ data: png, fileName: 'sideways.png' }, { autoRotation: true, pageImages: true, tokens: true });
    const accuracy = wordAccuracy(result.plainText);
    console.log(`OCR word accuracy on a sideways PNG with rotation correction: ${accuracy.toFixed(2)}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    expect(result.assembly.pages).toEqual([{ page_number: 1, width: 1700, height: 2200, unit: 'px', rotation: 270 }]);
    expect(pngSize(result.pageImages[0].png)).toEqual({ width: 1700, height: 2200 });
    // Boxes are in the upright image: the first line runs across the top, not down the side.
    const fox = result.assembly.tokens?.find((token) => token.text === 'fox');
    expect(fox?.bbox[1]).toBeLessThan(300);
  });

  it('reads a JPEG, giving its page image as PNG; refuses page images of a TIFF, whose text it still reads', async () => {
    const image = await loadImage(scan('png'));
    const canvas = createCanvas(image.width, image.height);
    canvas.getContext('2d').drawImage(image, 0, 0);
    const jpeg = await canvas.encode('jpeg', 90);
    const result = await extractDocument({ data: jpeg, fileName: 'page.jpg' }, { pageImages: true });
    expect(result.mimeType).toBe('image/jpeg');
    expect(wordAccuracy(result.plainText)).toBeGreaterThanOrEqual(0.8);
    expect(pngSize(result.pageImages[0].png)).toEqual({ width: 1700, height: 2200 });

    const tiff = join(work, 'page.tif');
    execFileSync('pdftoppm', ['-r', '200', '-tiff', '-singlefile', join(work, 'source-png.pdf'), join(work, 'page')]);
    const data = readFileSync(tiff);
    await expect(extractDocument({ data, fileName: 'page.tif' }, { pageImages: true })).rejects.toMatchObject({ code: 'unsupported_type' });
    expect(wordAccuracy((await extractDocument({ data, fileName: 'page.tif' }, { autoRotation: true })).plainText)).toBeGreaterThanOrEqual(
      0.8,
    );
  });

  it('leaves a DOCX picture out, marks its place, or gives its OCR text there (create_embedded_images)', async () => {
    const data = docxWithPicture(scan('png'));
    const kinds = async (embeddedImages?: 'enabled_placeholder' | 'enabled_text') =>
      (await extractDocument({ data, fileName: 'picture.docx' }, { embeddedImages })).assembly.structures;
    expect((await kinds()).map((s) => s.text)).toEqual(['Before the picture.', 'After the picture.']);
    expect(await kinds('enabled_placeholder')).toEqual([
      { type: 'paragraph', page: 1, text: 'Before the picture.' },
      { type: 'picture', page: 1, text: 'picture 1' },
      { type: 'paragraph', page: 1, text: 'After the picture.' },
    ]);
    const withText = await extractDocument({ data, fileName: 'picture.docx' }, { embeddedImages: 'enabled_text' });
    const picture = withText.assembly.structures[1];
    expect(picture.type).toBe('picture');
    const accuracy = wordAccuracy(picture.text);
    console.log(`OCR word accuracy on a picture inside a DOCX: ${accuracy.toFixed(2)}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    expect(withText.html).toMatch(/<span class="picture" data-picture="1">The quick brown fox/);
  });

  it("marks or reads the pictures of a PDF page that has a text layer too (Tesseract's own image + text PDF)", async () => {
    const png = join(work, 'sandwich.png');
    writeFileSync(png, scan('png'));
    execFileSync('tesseract', [png, join(work, 'sandwich'), 'pdf'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
    const data = readFileSync(join(work, 'sandwich.pdf'));
    const placeholder = await extractDocument({ data, fileName: 'sandwich.pdf' }, { embeddedImages: 'enabled_placeholder' });
    expect(placeholder.ocrPages).toEqual([]);
    expect(placeholder.assembly.structures.at(-1)).toEqual({ type: 'picture', page: 1, text: 'picture 1' });
    const withText = await extractDocument({ data, fileName: 'sandwich.pdf' }, { embeddedImages: 'enabled_text' });
    const picture = withText.assembly.structures.at(-1);
    expect(picture?.type).toBe('picture');
    expect(wordAccuracy(picture?.text ?? '')).toBeGreaterThanOrEqual(0.8);
  });

  it('renders page images of a text-layer PDF at the output resolution, and OCRs every page when forced', async () => {
    const data = pdfDocument({ pages: [LINES.slice(0, 2), LINES.slice(2)] });
    const result = await extractDocument({ data, fileName: 'two.pdf' }, { pageImages: true, outputDpi: 72 });
    expect(result.ocrPages).toEqual([]);
    expect(result.pageImages.map((image) => [image.page, pngSize(image.png)])).toEqual([
      [1, { width: 612, height: 792 }],
      [2, { width: 612, height: 792 }],
    ]);
    await expect(
      extractDocument({ data, fileName: 'two.pdf' }, { pageImages: true, limits: { maxPageImageBytes: 1000 } }),
    ).rejects.toMatchObject({
      code: 'too_large',
    });

    const forced = await extractDocument({ data, fileName: 'two.pdf' }, { ocr: { mode: 'forced' }, tokens: true });
    expect(forced.ocrPages).toEqual([1, 2]);
    expect(wordAccuracy(forced.plainText)).toBeGreaterThanOrEqual(0.8);
    expect(forced.assembly.tokens?.every((token) => typeof token.confidence === 'number')).toBe(true);
  });
});
