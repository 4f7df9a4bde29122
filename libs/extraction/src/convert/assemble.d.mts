// Types of assemble.mjs (plain JavaScript, see convert.mjs why).

export interface AssemblePage {
  /** 1-based. */
  page: number;
  /** `markdown`: the page's text is Markdown (HTML, DOCX, XLSX, Markdown documents); `text`: plain text, escaped first. */
  format: 'markdown' | 'text';
  text: string;
  /**
   * The page's embedded pictures and their text (a placeholder or their OCR text): a Markdown page's
   * `![picture n](#picture-n)` marks get it as their alt text; a text page gets them after its text.
   */
  pictures?: { id: number; text: string }[];
}

export interface AssembleRequest {
  pages: AssemblePage[];
  /** Tables as tables (GFM, `<table>`, cells); false: their rows as lines of text. Default true. */
  tables?: boolean;
  /** The HTML output's `<title>`. */
  title?: string;
}

/** `picture`: an embedded picture (create_embedded_images), its text a placeholder or the picture's OCR text. */
export type StructureType = 'title' | 'section_title' | 'paragraph' | 'list_item' | 'table' | 'code' | 'picture';

export interface AssemblyStructure {
  type: StructureType;
  page: number;
  text: string;
  /** A heading's depth (1–6) or a list item's nesting (from 1). */
  level?: number;
  /** A table's index in `tables`. */
  table_index?: number;
}

export interface AssemblyTableCell {
  /** From 0, the heading row (if any) first. */
  row: number;
  column: number;
  text: string;
  header: boolean;
}

export interface AssemblyTable {
  page: number;
  rows: number;
  columns: number;
  cells: AssemblyTableCell[];
}

export interface AssembleResult {
  markdown: string;
  html: string;
  plainText: string;
  structures: AssemblyStructure[];
  tables: AssemblyTable[];
}

export declare function assemble(request: AssembleRequest): AssembleResult;
export declare function escapeHtml(text: string): string;
export declare function escapeMarkdown(text: string): string;
