import { type Ctx, child, SchemaRefusal } from './context';
import { alt, cls, EMPTY, type Expr, lit, NEVER, rep, seq } from './ebnf';
import { isObject } from './keywords';

/**
 * Objects: the listed properties in schema order, each required one present, commas only between the properties
 * written; then, if the schema allows other properties, any number of them with keys none of the listed names.
 *
 * `additionalProperties` absent means none (vLLM's strict mode) when the schema lists `properties`, and any (with
 * any values) when it lists none, so `{"type": "object"}` is any object rather than only `{}`.
 */

/** Printable ASCII but `"` and `\`: the characters of an extra key, which then reads the same raw and decoded. */
const KEY_CHARS: [number, number][] = [
  [0x20, 0x21],
  [0x23, 0x5b],
  [0x5d, 0x7e],
];

interface Trie {
  end: boolean;
  next: Map<string, Trie>;
}

/** Key text (ASCII) that is none of `names`: a walk down their trie that leaves it or stops where no name ends. */
function keyExcept(names: string[]): Expr {
  const usable = names.filter((n) => Array.from(n).every((c) => KEY_CHARS.some(([a, b]) => c.charCodeAt(0) >= a && c.charCodeAt(0) <= b)));
  const root: Trie = { end: false, next: new Map() };
  for (const name of usable) {
    let node = root;
    for (const c of name) {
      let n = node.next.get(c);
      if (!n) node.next.set(c, (n = { end: false, next: new Map() }));
      node = n;
    }
    node.end = true;
  }
  const free = rep(cls(KEY_CHARS), 0, undefined);
  const walk = (node: Trie): Expr => {
    const taken = new Set(Array.from(node.next.keys(), (c) => c.charCodeAt(0)));
    const others: [number, number][] = [];
    for (const [a, b] of KEY_CHARS) {
      let start = a;
      for (let c = a; c <= b + 1; c++)
        if (c > b || taken.has(c)) {
          if (c > start) others.push([start, c - 1]);
          start = c + 1;
        }
    }
    return alt(
      node.end ? NEVER : EMPTY,
      others.length > 0 ? seq(cls(others), free) : NEVER,
      ...Array.from(node.next, ([c, n]) => seq(lit(c), walk(n))),
    );
  };
  return walk(root);
}

function stringList(v: unknown, what: string, at: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new SchemaRefusal(`${what} must be a list of strings`, at);
  return v;
}

function count(v: unknown, what: string, at: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SchemaRefusal(`${what} must be a non-negative integer`, at);
  return v;
}

export function objectGrammar(ctx: Ctx, node: Record<string, unknown>, at: string): Expr {
  const { ws, rules } = ctx;
  const props = node.properties ?? {};
  if (!isObject(props)) throw new SchemaRefusal('properties must be an object', child(at, 'properties'));
  const required = new Set(node.required === undefined ? [] : stringList(node.required, 'required', child(at, 'required')));
  if (node.patternProperties !== undefined && !(isObject(node.patternProperties) && Object.keys(node.patternProperties).length === 0))
    throw new SchemaRefusal('patternProperties is not supported', at);
  if (
    node.propertyNames !== undefined &&
    node.propertyNames !== true &&
    !(isObject(node.propertyNames) && Object.keys(node.propertyNames).length === 0)
  )
    throw new SchemaRefusal('propertyNames is not supported', at);
  if (node.dependentRequired !== undefined && !(isObject(node.dependentRequired) && Object.keys(node.dependentRequired).length === 0))
    throw new SchemaRefusal('dependentRequired is not supported', at);
  let additional: unknown = node.additionalProperties ?? (node.properties === undefined ? true : false);
  if (node.unevaluatedProperties === false) additional = false;
  else if (node.unevaluatedProperties !== undefined && node.unevaluatedProperties !== true)
    throw new SchemaRefusal('unevaluatedProperties other than true or false is not supported', at);

  const listed: { name: string; required: boolean; value: Expr }[] = [];
  for (const [name, schema] of Object.entries(props))
    listed.push({ name, required: required.has(name), value: rules.define('value', ctx.value(schema, child(at, 'properties', name))) });
  const extraValue =
    additional === false ? NEVER : additional === true ? ctx.anyValue() : ctx.value(additional, child(at, 'additionalProperties'));
  for (const name of required)
    if (!(name in props)) {
      if (extraValue.k === 'never') return ctx.unsatisfiable(at, `required property ${JSON.stringify(name)} is not allowed`);
      listed.push({ name, required: true, value: extraValue });
    }
  const names = listed.map((p) => p.name);
  const extraKv = extraValue.k === 'never' ? NEVER : seq(lit('"'), keyExcept(names), lit('"'), ws, lit(':'), ws, extraValue);

  const minProperties = count(node.minProperties, 'minProperties', at) ?? 0;
  const maxProperties = count(node.maxProperties, 'maxProperties', at);
  const requiredCount = listed.filter((p) => p.required).length;
  if (minProperties > requiredCount) throw new SchemaRefusal('minProperties above the number of required properties is not supported', at);
  if (maxProperties !== undefined && (extraKv.k !== 'never' || maxProperties < listed.length))
    throw new SchemaRefusal('maxProperties below the number of properties that may be written is not supported', at);

  const kv = (p: { name: string; value: Expr }): Expr => rules.define('kv', seq(lit(JSON.stringify(p.name)), ws, lit(':'), ws, p.value));
  const sep = seq(ws, lit(','), ws);
  // rest: what may follow once something was written; first: a non-empty start. Each is a rule whose alternatives end
  // in the next one, which keeps the grammar linear in size and (measured) quick for xgrammar to compile, unlike an
  // optional group followed by more.
  let rest = extraKv.k === 'never' ? EMPTY : rep(seq(sep, extraKv), 0, undefined);
  let first = extraKv.k === 'never' ? NEVER : seq(extraKv, rest);
  for (let i = listed.length - 1; i >= 0; i--) {
    const p = listed[i];
    if (p.value.k === 'never') {
      if (p.required)
        return ctx.unsatisfiable(child(at, 'properties', p.name), `required property ${JSON.stringify(p.name)} admits no value`);
      continue;
    }
    const pair = kv(p);
    const taken = seq(sep, pair, rest);
    const started = seq(pair, rest);
    rest = rules.define('obj_rest', p.required ? taken : alt(rest, taken));
    first = rules.define('obj_first', p.required ? started : alt(started, first));
  }
  const open = seq(lit('{'), ws);
  if (requiredCount > 0) return seq(open, first, ws, lit('}'));
  return alt(seq(open, lit('}')), seq(open, first, ws, lit('}')));
}
