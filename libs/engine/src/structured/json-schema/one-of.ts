import { canonicalJson, isObject, JSON_TYPES, TYPE_KEYWORDS, typeOf } from './keywords';

/**
 * `oneOf` is written as an alternation, which is exact only when no value can match two branches. This proves the
 * branches disjoint in the cases schemas use: different types; different `const`/`enum` values; objects told apart
 * by a required property with different `const`/`enum` values (a discriminated union). Anything else is refused.
 */

interface Shape {
  /** Types a value may have (integer folded into number: they overlap). */
  types: Set<string>;
  /** The only values allowed, as canonical JSON, when the branch is a finite list. */
  values?: Set<string>;
  /** Required properties with a finite list of values, for objects. */
  tags: Map<string, Set<string>>;
}

const ALL = (): Set<string> => new Set(JSON_TYPES.filter((t) => t !== 'integer'));
const fold = (t: string): string => (t === 'integer' ? 'number' : t);

export type Resolve = (node: unknown) => unknown;

function literals(node: Record<string, unknown>): unknown[] | undefined {
  if ('const' in node) return [node.const];
  return Array.isArray(node.enum) ? node.enum : undefined;
}

function shapeOf(node: unknown, resolve: Resolve, seen: Set<unknown>): Shape {
  const open: Shape = { types: ALL(), tags: new Map() };
  node = resolve(node);
  if (node === true || seen.has(node)) return open;
  if (node === false) return { types: new Set(), values: new Set(), tags: new Map() };
  if (!isObject(node)) return open;
  seen = new Set(seen).add(node);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches)) {
      const shapes = branches.map((b) => shapeOf(b, resolve, seen));
      const finite = shapes.every((s) => s.values);
      return {
        types: new Set(shapes.flatMap((s) => [...s.types])),
        values: finite ? new Set(shapes.flatMap((s) => [...(s.values ?? [])])) : undefined,
        tags: new Map(),
      };
    }
  }
  if (Array.isArray(node.allOf) && node.allOf.length === 1) return shapeOf(node.allOf[0], resolve, seen);
  const values = literals(node);
  if (values) return { types: new Set(values.map((v) => fold(typeOf(v)))), values: new Set(values.map(canonicalJson)), tags: new Map() };
  let types: Set<string>;
  if (typeof node.type === 'string') types = new Set([fold(node.type)]);
  else if (Array.isArray(node.type)) types = new Set(node.type.map((t) => fold(String(t))));
  else {
    const inferred = (Object.keys(TYPE_KEYWORDS) as (keyof typeof TYPE_KEYWORDS)[]).filter((t) => TYPE_KEYWORDS[t].some((k) => k in node));
    types = inferred.length > 0 ? new Set(inferred) : ALL();
  }
  const tags = new Map<string, Set<string>>();
  const props = node.properties;
  if (types.has('object') && isObject(props) && Array.isArray(node.required))
    for (const name of node.required)
      if (typeof name === 'string' && name in props) {
        const s = shapeOf(props[name], resolve, seen);
        if (s.values) tags.set(name, s.values);
      }
  return { types, tags };
}

const disjoint = (a: Set<string>, b: Set<string>): boolean => [...a].every((x) => !b.has(x));

function apart(a: Shape, b: Shape): boolean {
  if (disjoint(a.types, b.types)) return true;
  if (a.values && b.values && disjoint(a.values, b.values)) return true;
  const objects = (s: Shape): boolean => [...s.types].every((t) => t === 'object');
  if (objects(a) && objects(b))
    for (const [name, values] of a.tags) if (b.tags.has(name) && disjoint(values, b.tags.get(name) as Set<string>)) return true;
  return false;
}

/** The first pair of branches that may overlap, or undefined if every pair is disjoint. */
export function overlappingBranches(branches: unknown[], resolve: Resolve): [number, number] | undefined {
  const shapes = branches.map((b) => shapeOf(b, resolve, new Set()));
  for (let i = 0; i < shapes.length; i++) for (let j = i + 1; j < shapes.length; j++) if (!apart(shapes[i], shapes[j])) return [i, j];
  return undefined;
}
