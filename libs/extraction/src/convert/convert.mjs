// Document → text conversions. Plain JavaScript importing only npm packages, so that a worker thread can run it
// without a TypeScript loader (swc-registered workers cannot start inside vitest's forks); the main thread imports
// the same module for the small inputs it converts inline. Types: convert.d.mts. Heavy parsers load lazily.

/** A refusal worded for the document's author; `code` is one of ExtractionError's codes. */
export class ConversionFailure extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'ConversionFailure';
    this.code = code;
  }
}

export async function convert(request) {
  try {
    switch (request.kind) {
      case 'text':
        return limited({ text: decodeText(request.data, request.charset), format: 'text' }, request);
      case 'markdown':
        return limited({ text: decodeText(request.data, request.charset), format: 'markdown' }, request);
      case 'json':
        return limited({ text: prettyJson(decodeText(request.data, request.charset)), format: 'text' }, request);
      case 'html':
        return limited({ text: await htmlToMarkdown(request.data, request.charset), format: 'markdown' }, request);
      case 'pdf':
        return await pdfText(request);
      case 'docx': {
        const pictures = request.pictures ? new Pictures(request.maxPictureBytes) : undefined;
        const result = limited({ text: await docxToMarkdown(request.data, pictures), format: 'markdown' }, request);
        return pictures ? { ...result, pictures: pictures.list } : result;
      }
      case 'xlsx':
        return limited({ text: await xlsxToMarkdown(request.data), format: 'markdown' }, request);
      case 'pptx': {
        const { text, slides } = await pptxText(request.data);
        const result = limited({ text, format: 'text' }, request);
        // Slides are a presentation's pages, for a caller that reads page by page.
        if (request.pageTexts && slides.length > request.maxPages) {
          throw new ConversionFailure(
            'too_large',
            `the presentation has ${slides.length} slides, above the limit of ${request.maxPages} pages`,
          );
        }
        return request.pageTexts ? { ...result, pages: slides.length, pageTexts: slides } : result;
      }
      default:
        throw new ConversionFailure('unsupported_type', `no conversion for documents of kind "${request.kind}"`);
    }
  } catch (err) {
    if (err instanceof ConversionFailure) throw err;
    throw new ConversionFailure('unreadable', `the document could not be read (${describe(err)})`);
  }
}

function limited(result, { maxChars }) {
  if (result.text.length > maxChars) throw tooManyChars(result.text.length, maxChars);
  return result;
}

function tooManyChars(chars, maxChars) {
  return new ConversionFailure('too_large', `the document's text has ${chars} characters or more, above the limit of ${maxChars}`);
}

function describe(err) {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200);
}

/** Text in the given charset, else by its byte order mark, else UTF-8; invalid bytes are refused, never replaced. */
export function decodeText(data, charset) {
  let label = charset ?? 'utf-8';
  if (charset === undefined && data[0] === 0xff && data[1] === 0xfe) label = 'utf-16le';
  if (charset === undefined && data[0] === 0xfe && data[1] === 0xff) label = 'utf-16be';
  let decoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new ConversionFailure('unreadable', `the charset "${label}" is not one this platform decodes`);
  }
  try {
    return decoder.decode(data);
  } catch {
    throw new ConversionFailure('unreadable', `the document is not valid ${decoder.encoding === 'utf-8' ? 'UTF-8' : label} text`);
  }
}

function prettyJson(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConversionFailure('unreadable', `the document is not valid JSON (${describe(err)})`);
  }
  return JSON.stringify(value, null, 2);
}

// --- HTML → Markdown -------------------------------------------------------------------------------------------------

/** The charset a page declares in its first KiB (`<meta charset>` or `http-equiv` content type), as browsers look. */
function declaredCharset(data) {
  const head = new TextDecoder('latin1').decode(data.subarray(0, 1024));
  const label = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  // A label no decoder knows is ignored, as browsers ignore it.
  try {
    return label && new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

let turndownService;

async function htmlToMarkdown(data, charset) {
  return await markdownOf(decodeText(data, charset ?? declaredCharset(data)));
}

async function markdownOf(html) {
  turndownService ??= await createTurndown();
  return turndownService
    .turndown(html)
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

async function createTurndown() {
  const { default: TurndownService } = await import('turndown');
  const { gfm } = await import('turndown-plugin-gfm');
  const service = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', hr: '---' });
  service.use(gfm);
  // Not content: code, styling, document metadata and embedded objects.
  service.remove([
    'script',
    'style',
    'noscript',
    'template',
    'head',
    'title',
    'meta',
    'link',
    'iframe',
    'object',
    'embed',
    'svg',
    'canvas',
  ]);
  // An image inlined as a data: URI is bytes, not text: its alt text stays (as for an image that cannot load), the
  // base64 does not reach the Markdown (nor a memory bank's index).
  service.addRule('inlineImageData', {
    filter: (node) => node.nodeName === 'IMG' && /^\s*data:/i.test(node.getAttribute('src') ?? ''),
    replacement: (content, node) => (node.getAttribute('alt') ?? '').replace(/\s+/g, ' ').trim(),
  });
  // Rules added later are tried first. A cell must stay on its row's line, and a pipe inside it must not split it.
  service.addRule('tableCellOneLine', {
    filter: ['th', 'td'],
    replacement: (content, node) => {
      const text = content
        .replace(/\s*\n+\s*/g, ' ')
        .replace(/\|/g, '\\|')
        .trim();
      return `${node.parentNode.firstChild === node ? '| ' : ' '}${text} |`;
    },
  });
  // turndown-plugin-gfm keeps a table without a heading row as raw HTML (and fails on one without rows): GFM needs a
  // heading, so such a table gets an empty one and its rows stay data rows.
  service.addRule('tableWithoutHeading', {
    filter: (node) => node.nodeName === 'TABLE' && (node.rows.length === 0 || !isHeadingRow(node.rows[0])),
    replacement: (content, node) => {
      const columns = Math.max(0, ...Array.from(node.rows, (row) => row.cells.length));
      if (columns === 0) return '\n\n';
      const heading = `|${'  |'.repeat(columns)}\n|${' --- |'.repeat(columns)}`;
      return `\n\n${heading}${content.replace(/\n\n+/g, '\n')}\n\n`;
    },
  });
  return service;
}

// As turndown-plugin-gfm decides (its own helper is not exported): a row of a THEAD, or a first row of only THs.
function isHeadingRow(row) {
  const parent = row.parentNode;
  if (parent.nodeName === 'THEAD') return true;
  const firstBody =
    parent.nodeName === 'TBODY' &&
    (!parent.previousSibling || (parent.previousSibling.nodeName === 'THEAD' && /^\s*$/.test(parent.previousSibling.textContent)));
  return (
    parent.firstChild === row &&
    (parent.nodeName === 'TABLE' || firstBody) &&
    Array.prototype.every.call(row.childNodes, (cell) => cell.nodeName === 'TH')
  );
}

// --- PDF -------------------------------------------------------------------------------------------------------------

async function pdfText({ data, maxPages, maxChars, pageTexts, pageInfo, tokens, onPage, pictures: collect, maxPictureBytes }) {
  const { PDFParse } = await import('pdf-parse');
  // No font loading or eval of font programs: text extraction needs neither, and they are the parser's attack surface.
  const parser = new PDFParse({ data, verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false });
  try {
    const texts = [];
    const perPage = [];
    const geometry = [];
    const pageTokens = [];
    const pictures = collect ? new Pictures(maxPictureBytes) : undefined;
    let total = 1;
    let chars = 0;
    // Page by page, so the page and character limits stop a big document early.
    for (let page = 1; page <= total; page++) {
      const result = await pdfCall(() => parser.getText({ partial: [page] }));
      total = result.total;
      if (total > maxPages) throw new ConversionFailure('too_large', `the PDF has ${total} pages, above the limit of ${maxPages}`);
      const text = (result.pages[0]?.text ?? '').replace(/[ \t]+\n/g, '\n').trim();
      chars += text.length;
      if (chars > maxChars) throw tooManyChars(chars, maxChars);
      if (text !== '') texts.push(text);
      perPage.push(text);
      if (pageInfo || tokens) {
        const details = await pageDetails(parser, page, tokens);
        geometry.push(details.geometry);
        if (tokens) pageTokens.push(details.tokens);
      }
      // A page without a text layer is a scan (OCR reads it whole), not a page with pictures on it.
      if (pictures && text !== '') await collectPdfPictures(parser, page, pictures);
      onPage?.(page, total, text !== '');
    }
    const layers = {
      ...(pageTexts ? { pageTexts: perPage } : {}),
      ...(pageInfo || tokens ? { pageGeometry: geometry } : {}),
      ...(tokens ? { pageTokens } : {}),
      ...(pictures ? { pictures: pictures.list } : {}),
    };
    // The caller OCRs the pages without text (or all of them) itself.
    if (pageTexts) return { text: texts.join('\n\n'), format: 'text', pages: total, ...layers };
    if (texts.length === 0) {
      throw new ConversionFailure(
        'no_text',
        `the PDF has no text layer (${total} page${total === 1 ? '' : 's'} of images or drawings only); scanned pages need OCR first`,
      );
    }
    return { text: texts.join('\n\n'), format: 'text', pages: total, ...layers };
  } finally {
    await parser.destroy();
  }
}

const round2 = (value) => Math.round(value * 100) / 100;

// Smaller images are rules, bullets and icons, not pictures with content.
const MIN_PICTURE_PIXELS = 32;

/** A text-layer page's images (pdf.js decodes them; pdf-parse encodes each as PNG), in drawing order. */
async function collectPdfPictures(parser, page, pictures) {
  const result = await pdfCall(() => parser.getImage({ partial: [page], imageBuffer: true, imageThreshold: MIN_PICTURE_PIXELS }));
  for (const image of result.pages[0]?.images ?? []) {
    if (image.data.byteLength > 0) pictures.add(page, image.data, 'image/png');
  }
}

/**
 * A page's size (PDF points, as shown: its /Rotate applied) and, when asked, its words with boxes in those points
 * from the top-left corner. pdf.js gives text runs, not words: a run's box is split among its words in proportion to
 * their characters (exact for monospaced text, close for proportional fonts).
 */
async function pageDetails(parser, pageNumber, withTokens) {
  // pdf-parse's own pdf.js document (already open from getText), so the file is not parsed twice.
  const doc = await pdfCall(() => parser.load());
  const page = await pdfCall(() => doc.getPage(pageNumber));
  try {
    const viewport = page.getViewport({ scale: 1 });
    const geometry = { width: round2(viewport.width), height: round2(viewport.height) };
    if (!withTokens) return { geometry };
    const content = await pdfCall(() => page.getTextContent());
    const tokens = [];
    for (const item of content.items) {
      if (typeof item.str !== 'string' || item.str.trim() === '') continue;
      const [a, b, c, d, e, f] = item.transform;
      const along = Math.hypot(a, b) || 1;
      const up = Math.hypot(c, d) || 1;
      const height = item.height || up;
      const corner = (t, h) =>
        viewport.convertToViewportPoint(e + (a / along) * item.width * t + (c / up) * h, f + (b / along) * item.width * t + (d / up) * h);
      for (const word of item.str.matchAll(/\S+/g)) {
        const start = word.index / item.str.length;
        const end = (word.index + word[0].length) / item.str.length;
        const points = [corner(start, 0), corner(end, 0), corner(start, height), corner(end, height)];
        const xs = points.map(([x]) => x);
        const ys = points.map(([, y]) => y);
        tokens.push({
          text: word[0],
          bbox: [round2(Math.min(...xs)), round2(Math.min(...ys)), round2(Math.max(...xs)), round2(Math.max(...ys))],
        });
      }
    }
    return { geometry, tokens };
  } finally {
    page.cleanup();
  }
}

async function pdfCall(call) {
  try {
    return await call();
  } catch (err) {
    if (err?.name === 'PasswordException')
      throw new ConversionFailure('encrypted', 'the PDF is password-protected; remove the password and upload it again');
    throw new ConversionFailure('unreadable', `the PDF could not be read (${describe(err)})`);
  }
}

// --- Office ----------------------------------------------------------------------------------------------------------

const asBuffer = (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** DOCX through mammoth's HTML (headings, lists, tables) and the HTML → Markdown path, so tables become GFM tables. */
async function docxToMarkdown(data, pictures) {
  const { default: mammoth } = await import('mammoth');
  // Images would come back as base64 data URIs, not text: dropped, unless the caller collects them (a picture's
  // Markdown is then `![picture n](#picture-n)` where it stood, its bytes in `pictures`).
  const { value } = await mammoth.convertToHtml(
    { buffer: asBuffer(data) },
    {
      convertImage: mammoth.images.imgElement(async (image) => {
        if (!pictures) return { src: '' };
        const id = pictures.add(1, new Uint8Array(await image.readAsBuffer()), image.contentType);
        return { src: `#picture-${id}`, alt: `picture ${id}` };
      }),
    },
  );
  return await markdownOf(value);
}

/** Embedded pictures collected for the caller (create_embedded_images), bounded in number and bytes. */
const MAX_PICTURES = 500;

class Pictures {
  constructor(maxBytes) {
    this.maxBytes = maxBytes ?? 512 * 1024 * 1024;
    this.bytes = 0;
    this.list = [];
  }
  add(page, data, mimeType) {
    this.bytes += data.byteLength;
    if (this.list.length >= MAX_PICTURES || this.bytes > this.maxBytes) {
      throw new ConversionFailure(
        'too_large',
        `the document embeds more than ${MAX_PICTURES} pictures or ${this.maxBytes} bytes of them; extract it without embedded images`,
      );
    }
    const id = this.list.length + 1;
    this.list.push({ id, page, data, mimeType });
    return id;
  }
}

/** Each worksheet as a heading and a GFM table whose heading row is the sheet's first row; cells as their shown text. */
async function xlsxToMarkdown(data) {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(asBuffer(data));
  const sections = [];
  workbook.eachSheet((sheet) => {
    const rows = [];
    sheet.eachRow({ includeEmpty: true }, (row) => {
      const cells = [];
      for (let column = 1; column <= sheet.columnCount; column++) cells.push(cellText(row.getCell(column)));
      rows.push(cells);
    });
    while (rows.length > 0 && rows[rows.length - 1].every((cell) => cell === '')) rows.pop();
    if (rows.length === 0) return;
    const line = (cells) => `| ${cells.join(' | ')} |`;
    const table = [line(rows[0]), `|${' --- |'.repeat(rows[0].length)}`, ...rows.slice(1).map(line)];
    sections.push(`## ${sheet.name}\n\n${table.join('\n')}`);
  });
  return sections.join('\n\n');
}

function cellText(cell) {
  let text;
  try {
    text = cell.text ?? '';
  } catch {
    text = String(cell.value ?? '');
  }
  // A cell stays on its row's line, and a pipe inside it must not split it (as for HTML tables).
  return String(text)
    .replace(/\s*\n+\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

/** PPTX (and ODF) text, slide by slide in order; officeparser's own OCR (tesseract.js, which downloads data) stays off. */
async function pptxText(data) {
  const { parseOffice } = await import('officeparser');
  const ast = await parseOffice(asBuffer(data), { ocr: false, extractAttachments: false, outputErrorToConsole: false });
  // Each slide's text as officeparser's toText writes the whole (its nodes' texts, lines joined); a slide's notes
  // (the nodes after it that are not slides) go with it.
  const slides = [];
  for (const node of ast.content) {
    const text = officeNodeText(node);
    if (node.type === 'slide' || slides.length === 0) slides.push([]);
    if (text !== '') slides[slides.length - 1].push(text);
  }
  return { text: tidyOfficeText(ast.toText()), slides: slides.map((lines) => tidyOfficeText(lines.join('\n'))) };
}

const tidyOfficeText = (text) =>
  text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** A node's text as officeparser's own toText recurses (children joined by lines, runs joined as they are). */
function officeNodeText(node) {
  if (!node.children) return node.text || '';
  return node.children
    .map(officeNodeText)
    .filter((text) => text !== '')
    .join(node.children[0]?.children ? '\n' : '');
}
