import { type Ctx, child, SchemaRefusal } from './context';
import { alt, type Expr, lit, NEVER, opt, rep, seq } from './ebnf';

/**
 * Arrays: `prefixItems` (or draft-07's array `items`) position by position, then `items` (draft-07:
 * `additionalItems`), with minItems..maxItems elements in all. Like objects, an array with prefixItems and no
 * `items` takes no further elements (vLLM's strict mode), and one with neither takes any values.
 */

function count(v: unknown, what: string, at: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SchemaRefusal(`${what} must be a non-negative integer`, at);
  return v;
}

export function arrayGrammar(ctx: Ctx, node: Record<string, unknown>, at: string): Expr {
  const { ws } = ctx;
  const draft7Tuple = Array.isArray(node.items);
  const prefixSchemas = (draft7Tuple ? node.items : node.prefixItems) ?? [];
  if (!Array.isArray(prefixSchemas)) throw new SchemaRefusal('prefixItems must be a list of schemas', at);
  const prefixKey = draft7Tuple ? 'items' : 'prefixItems';
  const itemsKey = draft7Tuple ? 'additionalItems' : 'items';
  let itemsSchema: unknown = node[itemsKey] ?? (prefixSchemas.length > 0 ? false : true);
  if (node.unevaluatedItems === false) itemsSchema = false;
  else if (node.unevaluatedItems !== undefined && node.unevaluatedItems !== true)
    throw new SchemaRefusal('unevaluatedItems other than true or false is not supported', at);
  const min = count(node.minItems, 'minItems', at) ?? 0;
  const max = count(node.maxItems, 'maxItems', at);
  if (max !== undefined && max < min) return ctx.unsatisfiable(at, 'maxItems is below minItems');
  if (node.uniqueItems === true && (max === undefined || max > 1)) throw new SchemaRefusal('uniqueItems is not supported', at);

  const item = ctx.rules.define(
    'item',
    itemsSchema === true ? ctx.anyValue() : itemsSchema === false ? NEVER : ctx.value(itemsSchema, child(at, itemsKey)),
  );
  const sep = seq(ws, lit(','), ws);
  // Positions past maxItems are never written.
  const k = max === undefined ? prefixSchemas.length : Math.min(prefixSchemas.length, max);
  const prefix = prefixSchemas.slice(0, k).map((s, i) => ctx.rules.define('item', ctx.value(s, child(at, prefixKey, i))));

  // After the k-th prefix element: the remaining elements from `items`.
  const afterPrefix = (written: number): Expr =>
    rep(seq(sep, item), Math.max(0, min - written), max === undefined ? undefined : max - written);
  let body: Expr;
  if (k === 0) {
    body = max === 0 ? NEVER : seq(item, afterPrefix(1));
  } else {
    // Built from the last prefix element back: element i+1 follows element i, optional beyond minItems.
    let tail = afterPrefix(k);
    for (let i = k - 1; i >= 1; i--) {
      const next = seq(sep, prefix[i], tail);
      tail = i + 1 <= min ? next : opt(next);
    }
    body = seq(prefix[0], tail);
  }
  if (body.k === 'never' && min > 0) return ctx.unsatisfiable(at, `no array of at least ${min} items fits the item schemas`);
  const open = seq(lit('['), ws);
  const full = seq(open, body, ws, lit(']'));
  return min > 0 ? full : alt(seq(open, lit(']')), full);
}
