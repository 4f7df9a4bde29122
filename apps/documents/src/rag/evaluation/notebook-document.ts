/** An nbformat 4.5 notebook, as `.ipynb` JSON holds it. */
export interface NotebookJson {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: {
    kernelspec: { name: string; display_name: string; language: string };
    language_info: { name: string; version: string };
  };
  cells: NotebookCellJson[];
}

export type NotebookCellJson =
  | { id: string; cell_type: 'markdown'; metadata: Record<string, never>; source: string[] }
  | { id: string; cell_type: 'code'; metadata: Record<string, never>; source: string[]; outputs: []; execution_count: null };

/** nbformat's multi-line string: the lines, each but the last ending with its newline. */
function lines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((line, i) => (i < parts.length - 1 ? `${line}\n` : line)).filter((line) => line.length > 0);
}

export const markdownCell = (id: string, text: string): NotebookCellJson => ({
  id,
  cell_type: 'markdown',
  metadata: {},
  source: lines(text),
});

export const codeCell = (id: string, code: string): NotebookCellJson => ({
  id,
  cell_type: 'code',
  metadata: {},
  source: lines(code),
  outputs: [],
  execution_count: null,
});

/** A Python 3 notebook of `cells` (not run: no outputs). */
export function notebook(cells: NotebookCellJson[]): NotebookJson {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python', version: '3' },
    },
    cells,
  };
}

/** The `.ipynb` bytes: UTF-8 JSON, one-space indented as Jupyter writes it, ending with a newline. */
export function notebookBytes(nb: NotebookJson): Buffer {
  return Buffer.from(`${JSON.stringify(nb, null, 1)}\n`, 'utf8');
}

/**
 * A JSON value as a Python literal: JSON's strings are valid Python string literals, numbers the same;
 * true/false/null become True/False/None. For values the notebooks bake in (paths, settings, the prompt template).
 */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON form`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`)
      .join(', ')}}`;
  throw new TypeError(`${typeof value} has no Python literal here`);
}
