import { asText, derivedSeed, rng, type Row } from '../row';
import type { Block, BlockContext } from './block';

/** Keeps the first row of each distinct tuple of the columns. */
export function dedupe(rows: Row[], columns: string[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = JSON.stringify(columns.map((c) => (typeof r[c] === 'string' ? (r[c] as string).trim() : (r[c] ?? null))));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export class DedupeBlock implements Block {
  constructor(
    readonly name: string,
    private readonly columns: string[],
  ) {}
  async run(rows: Row[]): Promise<Row[]> {
    return dedupe(rows, this.columns);
  }
}

export class DuplicateColumnsBlock implements Block {
  constructor(
    readonly name: string,
    private readonly map: Record<string, string>,
  ) {}
  async run(rows: Row[]): Promise<Row[]> {
    return rows.map((r) => ({ ...r, ...Object.fromEntries(Object.entries(this.map).map(([from, to]) => [to, r[from]])) }));
  }
}

export class RenameColumnsBlock implements Block {
  constructor(
    readonly name: string,
    private readonly map: Record<string, string>,
  ) {}
  async run(rows: Row[]): Promise<Row[]> {
    return rows.map((r) => {
      const out: Row = {};
      for (const [k, v] of Object.entries(r)) out[this.map[k] ?? k] = v;
      return out;
    });
  }
}

/** pandas melt: one row per listed column, its name in `var_name` and its value in `value_name`. */
export class FlattenColumnsBlock implements Block {
  constructor(
    readonly name: string,
    private readonly config: { var_cols: string[]; value_name: string; var_name: string },
  ) {}
  async run(rows: Row[]): Promise<Row[]> {
    const { var_cols, value_name, var_name } = this.config;
    return var_cols.flatMap((col) =>
      rows.map((r) => {
        const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !var_cols.includes(k)));
        return { ...rest, [var_name]: col, [value_name]: r[col] };
      }),
    );
  }
}

export class CombineColumnsBlock implements Block {
  constructor(
    readonly name: string,
    private readonly config: { columns: string[]; output_col: string; separator?: string },
  ) {}
  async run(rows: Row[]): Promise<Row[]> {
    const sep = this.config.separator ?? '\n\n';
    return rows.map((r) => ({ ...r, [this.config.output_col]: this.config.columns.map((c) => asText(r[c])).join(sep) }));
  }
}

/** At most `max_rows` rows, chosen with the batch's seed so a rerun picks the same ones. */
export class SampleBlock implements Block {
  constructor(
    readonly name: string,
    private readonly maxRows: number,
  ) {}
  async run(rows: Row[], ctx: BlockContext): Promise<Row[]> {
    if (rows.length <= this.maxRows) return rows;
    const random = rng(derivedSeed(...ctx.seedParts, this.name));
    const idx = rows.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx
      .slice(0, this.maxRows)
      .sort((a, b) => a - b)
      .map((i) => rows[i]);
  }
}
