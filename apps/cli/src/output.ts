/** Where a command writes: stdout for results, stderr for errors and progress (so `--output json` stays parseable). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars draw only there). */
  errIsTty: boolean;
  errStream: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  /** What interactive verbs read (`model chat` without -q): stdin. */
  input?: NodeJS.ReadableStream;
}

export type OutputFormat = 'table' | 'json';

/** `--output json` prints the API's JSON as received, pretty-printed. */
export function renderJson(body: unknown): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Columns padded to their widest cell, a header row first; an empty list says so instead. */
export function renderTable(headers: string[], rows: string[][], empty = 'No items.'): string {
  if (rows.length === 0) return `${empty}\n`;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** `Label   value` lines for one object; empty values are left out. */
export function renderFields(fields: [string, string | number | undefined | null][]): string {
  const shown = fields.filter((f): f is [string, string | number] => f[1] !== undefined && f[1] !== null && f[1] !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return `${shown.map(([k, v]) => `${k.padEnd(width)}   ${v}`).join('\n')}\n`;
}

/** A section heading followed by `key   value` rows, e.g. samples per leaf node. */
export function renderSection(title: string, entries: [string, string | number][]): string {
  if (entries.length === 0) return '';
  return `\n${title}\n${renderFields(entries.map(([k, v]) => [`  ${k}`, v]))}`;
}

export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}
