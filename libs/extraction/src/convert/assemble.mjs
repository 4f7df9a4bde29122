// A document's outputs from its pages' text: Markdown, HTML, plain text and the assembly's structures and tables.
// One path for every format: each page's Markdown (a text page's text escaped into Markdown first) is read by
// marked's lexer, whose tokens give the structures (headings, paragraphs, list items, tables with their cells, code)
// and, through marked's renderer, the HTML. Plain JavaScript for the worker threads (see convert.mjs why).
import { Marked } from 'marked';

let marked;

function markdownReader() {
  marked ??= new Marked({ gfm: true, async: false }).use({
    renderer: {
      // The HTML output is a file a user opens in a browser: markup from the document is shown as text, never run.
      html: ({ text }) => escapeHtml(text),
      link({ href, title, tokens }) {
        const text = this.parser.parseInline(tokens);
        if (!SAFE_LINK.test(href)) return text;
        return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${text}</a>`;
      },
      image({ href, text, tokens }) {
        const picture = PICTURE_HREF.exec(href)?.[1];
        if (picture) return `<span class="picture" data-picture="${picture}">${escapeHtml(tokens ? inlineText(tokens) : text)}</span>`;
        return /^https?:/i.test(href) ? `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}">` : escapeHtml(text);
      },
    },
  });
  return marked;
}

// Web and mail links, fragments and relative paths; not `javascript:`, `data:` or other schemes.
const SAFE_LINK = /^(?:https?:|mailto:|#|\/|\.|[^:]*$)/i;
// An embedded picture's place (see convert.mjs: `![picture n](#picture-n)`), its alt text its placeholder or OCR text.
const PICTURE_HREF = /^#picture-(\d+)$/;
const PICTURE_MARK = /!\[picture (\d+)\]\(#picture-\1\)/g;

/** A picture's Markdown: its text on one line, escaped, as the image's alt text. */
function pictureMarkdown(id, text) {
  const alt = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&');
  return `![${alt}](#picture-${id})`;
}

export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Plain text as Markdown that reads back as the same text: inline markup characters and line-start markers escaped. */
export function escapeMarkdown(text) {
  return text
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
        .replace(/^([#+=-])/, '\\$1')
        .replace(/^(\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text) {
  return text.replace(/&(#x[\da-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (whole, name) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()];
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The text of inline tokens, without markup. */
function inlineText(tokens = []) {
  return tokens
    .map((token) => {
      switch (token.type) {
        case 'escape':
        case 'codespan':
          return token.text;
        case 'br':
          return '\n';
        case 'html':
          return '';
        case 'image':
          return token.tokens ? inlineText(token.tokens) : token.text;
        default:
          return token.tokens ? inlineText(token.tokens) : decodeEntities(token.text ?? '');
      }
    })
    .join('');
}

const cellsOf = (row) => row.map((cell) => inlineText(cell.tokens).trim());

/** Adds a page's block tokens to the structures and tables (list items by nesting level, from 1). */
function walk(tokens, page, out, listLevel) {
  for (const token of tokens) {
    switch (token.type) {
      case 'heading':
        push(out, { type: token.depth === 1 ? 'title' : 'section_title', page, text: inlineText(token.tokens), level: token.depth });
        break;
      case 'paragraph':
      case 'text': {
        const inline = token.tokens ?? [token];
        const pictures = inline.filter((t) => t.type === 'image' && PICTURE_HREF.test(t.href));
        // A paragraph of only pictures (as a DOCX holds them) is those pictures.
        if (pictures.length > 0 && inline.every((t) => pictures.includes(t) || (t.type === 'text' && t.text.trim() === '')))
          for (const picture of pictures) push(out, { type: 'picture', page, text: inlineText([picture]) });
        else push(out, { type: 'paragraph', page, text: inlineText(inline) });
        break;
      }
      case 'list':
        for (const item of token.items) {
          const own = item.tokens.filter((t) => t.type === 'text' || t.type === 'paragraph');
          push(out, { type: 'list_item', page, text: own.map((t) => inlineText(t.tokens ?? [t])).join('\n'), level: listLevel + 1 });
          walk(
            item.tokens.filter((t) => !own.includes(t)),
            page,
            out,
            listLevel + 1,
          );
        }
        break;
      case 'table':
        addTable(token, page, out);
        break;
      case 'code':
        push(out, { type: 'code', page, text: token.text });
        break;
      case 'blockquote':
        walk(token.tokens, page, out, listLevel);
        break;
      case 'html':
        push(out, { type: 'paragraph', page, text: decodeEntities(token.text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')) });
        break;
      default:
        // space, hr, link definitions: no content.
        break;
    }
  }
}

function push(out, structure) {
  const text = structure.text.trim();
  if (text !== '') out.structures.push({ ...structure, text });
}

/** A GFM table: cells by row and column from 0; a heading row that is all empty (a table without one) is left out. */
function addTable(token, page, out) {
  const heading = cellsOf(token.header);
  const rows = [...(heading.every((cell) => cell === '') ? [] : [{ cells: heading, header: true }])];
  for (const row of token.rows) rows.push({ cells: cellsOf(row), header: false });
  if (rows.length === 0) return;
  const columns = Math.max(...rows.map((row) => row.cells.length));
  const tableIndex = out.tables.length;
  out.tables.push({
    page,
    rows: rows.length,
    columns,
    cells: rows.flatMap((row, r) => row.cells.map((text, column) => ({ row: r, column, text, header: row.header }))),
  });
  out.structures.push({ type: 'table', page, text: rows.map((row) => row.cells.join('\t')).join('\n'), table_index: tableIndex });
}

/** A table as lines of text (tables_processing off): each row's cells separated by spaces. */
function tableAsText(token) {
  const rows = [cellsOf(token.header), ...token.rows.map(cellsOf)].filter((cells) => cells.some((cell) => cell !== ''));
  return `${rows.map((cells) => escapeMarkdown(cells.join(' '))).join('\n\n')}\n\n`;
}

/** Plain text of a Markdown page: the structures' text, blank lines between blocks, table cells separated by tabs. */
function plainOf(structures) {
  return structures.map((s) => s.text).join('\n\n');
}

export function assemble({ pages, tables = true, title = '' }) {
  const reader = markdownReader();
  const out = { structures: [], tables: [] };
  const markdowns = [];
  const bodies = [];
  const plains = [];
  for (const { page, format, text, pictures = [] } of pages) {
    const pictureTexts = new Map(pictures.map((picture) => [String(picture.id), picture.text]));
    let markdown =
      format === 'markdown'
        ? text.replace(PICTURE_MARK, (mark, id) => (pictureTexts.has(id) ? pictureMarkdown(id, pictureTexts.get(id)) : mark))
        : [...text.split(/\n\s*\n/).map(escapeMarkdown), ...pictures.map((picture) => pictureMarkdown(picture.id, picture.text))].join(
            '\n\n',
          );
    let tokens = reader.lexer(markdown);
    if (!tables && tokens.some((t) => t.type === 'table')) {
      markdown = tokens
        .map((t) => (t.type === 'table' ? tableAsText(t) : t.raw))
        .join('')
        .trim();
      tokens = reader.lexer(markdown);
    }
    const first = out.structures.length;
    walk(tokens, page, out, 0);
    markdowns.push(markdown.trim());
    const body = reader.parser(tokens);
    bodies.push(pages.length > 1 ? `<section class="page" data-page="${page}">\n${body}</section>\n` : body);
    plains.push(
      format === 'markdown' ? plainOf(out.structures.slice(first)) : [text.trim(), ...pictures.map((p) => p.text.trim())].join('\n\n'),
    );
  }
  const html = [
    '<!DOCTYPE html>',
    '<html>',
    `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body>',
    bodies.join(''),
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return {
    markdown: markdowns.filter((m) => m !== '').join('\n\n'),
    html,
    plainText: plains.filter((p) => p !== '').join('\n\n'),
    structures: out.structures,
    tables: out.tables,
  };
}
