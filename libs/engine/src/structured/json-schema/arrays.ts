import { type Ctx, child, SchemaRefusal } from './context';
import { alt, type Expr, lit, NEVER, print, rep, seq } from './ebnf';

/**
 * Arrays: `prefixItems` (or draft-07's array `items`) position by position, then `items` (draft-07:
 * `additionalItems`), with minItems..maxItems elements in all. Like objects, an array with prefixItems and no
 * `items` takes no further elements (vLLM's strict mode), and one with neither takes any values.
 */

const CHAIN_MAX = 256;

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
  // Positions past maxItems are never written.
  const k = max === undefined ? prefixSchemas.length : Math.min(prefixSchemas.length, max);
  const prefix = prefixSchemas.slice(0, k).map((s, i) => ctx.rules.define('item', ctx.value(s, child(at, prefixKey, i))));

  // What follows the elements written so far, closing bracket included: `ws ("]" | "," ws element <what follows>)`.
  // Each is a rule that ends in the next one (a chain), the form xgrammar keeps masks cheap for; a bounded
  // repetition of elements measured 20 times slower a step. Chains are cheap to compile here (200 links: 45 ms over
  // 32k tokens), so only counts beyond CHAIN_MAX fall back to the repetition.
  const then = (canClose: boolean, element: Expr, next: Expr): Expr =>
    ctx.rules.define('arr', seq(ws, alt(canClose ? lit(']') : NEVER, seq(lit(','), ws, element, next))));
  const close = seq(ws, lit(']'));
  /** After `written` elements, the rest from `items`. */
  const fromItems = (written: number): Expr => {
    const least = Math.max(0, min - written);
    if (item.k === 'never') return least === 0 ? close : NEVER;
    if (max === undefined) {
      let rest = ctx.rules.recursive(`arr_items\0${print(item)}`, (self) => then(true, item, self), 'arr_items');
      if (least > CHAIN_MAX) return seq(rep(seq(ws, lit(','), ws, item), least, least), rest);
      for (let i = 0; i < least; i++) rest = then(false, item, rest);
      return rest;
    }
    const most = max - written;
    if (most > CHAIN_MAX) return seq(rep(seq(ws, lit(','), ws, item), least, most), close);
    let rest = close;
    for (let j = most - 1; j >= 0; j--) rest = then(j >= least, item, rest);
    return rest;
  };
  let body: Expr;
  if (k === 0) {
    body = max === 0 || item.k === 'never' ? NEVER : seq(item, fromItems(1));
  } else {
    // From the last prefix element back: after element i, close (once minItems are written) or write element i+1.
    let tail = fromItems(k);
    for (let i = k - 1; i >= 1; i--) tail = then(i >= min, prefix[i], tail);
    body = seq(prefix[0], tail);
  }
  if (body.k === 'never' && min > 0) return ctx.unsatisfiable(at, `no array of at least ${min} items fits the item schemas`);
  const open = seq(lit('['), ws);
  return min > 0 ? seq(open, body) : seq(open, alt(lit(']'), body));
}
