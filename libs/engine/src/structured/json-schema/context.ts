import type { Expr } from './ebnf';
import type { Rules } from './rules';

/** A schema the converter cannot turn into an exact grammar; `at` is the JSON pointer of the schema node. */
export class SchemaRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly at?: string,
  ) {
    super(at === undefined ? reason : `${reason} at ${at}`);
    this.name = 'SchemaRefusal';
  }
}

/** What the per-type grammar builders need from the converter. */
export interface Ctx {
  readonly rules: Rules;
  /** The whitespace allowed between two JSON tokens (nothing when compact). */
  readonly ws: Expr;
  /** The grammar of the values valid under a subschema (NEVER if none). */
  value(node: unknown, at: string): Expr;
  /** Any JSON value. */
  anyValue(): Expr;
  /** Notes why a part of the schema admits no value (reported if the whole schema then admits none). */
  unsatisfiable(at: string, why: string): Expr;
}

/** JSON pointer of a child: `/` and `~` escaped as RFC 6901 says. */
export function child(at: string, ...keys: (string | number)[]): string {
  return keys.reduce<string>((p, k) => `${p}/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`, at);
}
