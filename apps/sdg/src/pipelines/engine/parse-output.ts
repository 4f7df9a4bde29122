/**
 * Turns a teacher's text into column values. Tag parsing takes everything between each start and end tag
 * (non-greedy; an empty tag means the text's start or end); regex parsing maps capture groups to columns in
 * order. Every match is one candidate row; columns are zipped, so a row is only made where each column matched.
 */
export type OutputParser = { kind: 'tags'; tags: { start: string; end: string }[] } | { kind: 'regex'; regex: RegExp; clean: string[] };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function parseOutput(text: string, parser: OutputParser): string[][] {
  const columns: string[][] =
    parser.kind === 'tags'
      ? parser.tags.map(({ start, end }) => {
          if (!start && !end) return [text.trim()];
          const re = new RegExp(`${start ? escape(start) : '^'}([\\s\\S]*?)${end ? escape(end) : '$'}`, 'g');
          return Array.from(text.matchAll(re), (m) => m[1].trim());
        })
      : regexColumns(text, parser.regex, parser.clean);
  const rows: string[][] = [];
  const n = Math.min(...columns.map((c) => c.length));
  for (let i = 0; i < n; i++) {
    const values = columns.map((c) => c[i]);
    if (values.every((v) => v !== '')) rows.push(values);
  }
  return rows;
}

function regexColumns(text: string, regex: RegExp, clean: string[]): string[][] {
  const global = regex.flags.includes('g') ? regex : new RegExp(regex.source, `${regex.flags}g`);
  const matches = Array.from(text.matchAll(global));
  const groups = Math.max(1, ...matches.map((m) => m.length - 1));
  const columns: string[][] = Array.from({ length: groups }, () => []);
  for (const m of matches) {
    for (let g = 0; g < groups; g++) {
      let v = (m.length > 1 ? (m[g + 1] ?? '') : m[0]).trim();
      for (const tag of clean) v = v.split(tag).join('').trim();
      columns[g].push(v);
    }
  }
  return columns;
}
