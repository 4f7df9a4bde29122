/**
 * The benchmark's one table: each goal figure measured direct, through nginx, through the bare proxy and through the
 * stack, side by side.
 */

export interface Row {
  figure: string;
  direct?: string;
  nginx?: string;
  /** The bare proxy (floors.ts): the same two hops in bare Node, none of the platform's work. */
  floor?: string;
  stack?: string;
  added?: string;
  goal?: string;
  /** Undefined when the row has no goal to meet (or could not be measured). */
  met?: boolean;
  /** A published figure of another router, for reference. */
  reference?: string;
}

const COLUMNS: [keyof Row, string][] = [
  ['figure', 'figure'],
  ['direct', 'direct'],
  ['nginx', 'nginx'],
  ['floor', 'bare proxy (floor)'],
  ['stack', 'through the stack'],
  ['added', 'added'],
  ['goal', 'goal'],
  ['met', 'met'],
  ['reference', 'LiteLLM (published)'],
];

const cell = (row: Row, key: keyof Row): string => {
  const v = row[key];
  if (key === 'met') return v === undefined ? '—' : v ? 'yes' : 'NO';
  return typeof v === 'string' && v !== '' ? v : '—';
};

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The rows as a Markdown table, padded so it also reads as plain text. */
export function renderTable(rows: Row[]): string {
  const cells = [COLUMNS.map(([, title]) => title), ...rows.map((r) => COLUMNS.map(([k]) => cell(r, k)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
