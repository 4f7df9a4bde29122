import type { FilterConfig, FilterOperation } from '../definition';
import type { Row } from '../row';
import type { Block } from './block';

type Scalar = string | number | boolean;

const OPS: Record<FilterOperation, (a: Scalar, b: Scalar) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  contains: (a, b) => String(a).includes(String(b)),
};

/** Converted value, or undefined when the cell is empty or does not convert (so the default applies). */
export function convert(value: unknown, dtype: FilterConfig['convert_dtype']): Scalar | undefined {
  if (value === null || value === undefined) return undefined;
  const s = typeof value === 'string' ? value.trim() : value;
  switch (dtype) {
    case undefined:
      return typeof s === 'string' || typeof s === 'number' || typeof s === 'boolean' ? s : JSON.stringify(s);
    case 'upper':
      return String(s).toUpperCase();
    case 'float':
    case 'int': {
      const n = typeof s === 'number' ? s : Number(String(s));
      if (String(s) === '' || !Number.isFinite(n)) return undefined;
      return dtype === 'int' ? Math.trunc(n) : n;
    }
    case 'bool': {
      const t = String(s).toLowerCase();
      return t === 'true' || t === '1' || t === 'yes' ? true : t === 'false' || t === '0' || t === 'no' ? false : undefined;
    }
  }
}

/** Keeps the rows where `operation(column, v)` holds for any of the values (InstructLab's FilterByValueBlock). */
export class FilterByValueBlock implements Block {
  constructor(
    readonly name: string,
    private readonly config: FilterConfig,
  ) {}

  async run(rows: Row[]): Promise<Row[]> {
    const { column, operation, convert_dtype, default_value } = this.config;
    const values = (Array.isArray(this.config.value) ? this.config.value : [this.config.value]).map((v) => convert(v, convert_dtype) ?? v);
    const op = OPS[operation];
    return rows.filter((row) => {
      const v = convert(row[column], convert_dtype) ?? (default_value === undefined ? undefined : convert(default_value, convert_dtype));
      return v !== undefined && values.some((x) => op(v, x));
    });
  }
}
