import { arrayGrammar } from './arrays';
import { type Ctx, child, SchemaRefusal } from './context';
import { alt, cls, EMPTY, type Expr, lit, NEVER, opt, ref, rep, seq } from './ebnf';
import { GrammarTooLargeError, Rules } from './rules';
import { FORMATS } from './formats';
import {
  canonicalJson,
  COMBINATORS,
  isObject,
  JSON_TYPES,
  type JsonType,
  LITERAL_CHECKS,
  TYPE_KEYWORDS,
  typeOf,
  UNSUPPORTED,
  VALUE_KEYWORDS,
} from './keywords';
import { anyNumber, BoundError, type Bounds, integerGrammar, numberGrammar } from './numbers';
import { objectGrammar } from './objects';
import { overlappingBranches } from './one-of';
import { patternLengths } from './pattern-lengths';
import { regexToEbnfRules } from '../regex/regex-to-ebnf';
import { TranslationError } from '../regex/translation-error';
import { quoted, stringOfLength } from './strings';

/**
 * JSON Schema → xgrammar EBNF, exact: every text the grammar allows is JSON that validates against the schema
 * (draft 2020-12, as ajv checks it), and it allows as much of the schema's language as a grammar here can say.
 * What it cannot say exactly is a SchemaRefusal naming the keyword and where it is, never a looser grammar.
 */

export interface JsonGrammarOptions {
  /** No whitespace at all between tokens (vLLM's `disable_any_whitespace`). */
  compact?: boolean;
}

/**
 * Whitespace between two tokens: nothing, one space, or a line break and up to 20 spaces or tabs. That covers
 * compact JSON, Python's `json.dumps` separators and pretty-printing 10 levels deep at 2 spaces (5 at 4), yet a
 * model can no longer pad a gap with whitespace until it runs out of tokens, as unbounded JSON whitespace lets small
 * models do.
 */
export const MAX_INDENT = 20;
/** Nesting of schema objects (not of the JSON: `$ref` recursion is a rule). */
export const MAX_DEPTH = 64;
/** Characters of grammar text, so a small schema cannot ask for a grammar that takes long to compile. */
export const MAX_GRAMMAR_CHARS = 256 * 1024;

const SUPPORTED_FORMATS = Object.keys(FORMATS).join(', ');

class Converter implements Ctx {
  readonly rules = new Rules(MAX_GRAMMAR_CHARS);
  readonly ws: Expr;
  private readonly defs = new Map<string, string>();
  /** Pattern text → its rule (named `pattern<n>`, helpers `pattern<n>_…`: no other rule name starts so). */
  private readonly patterns = new Map<string, string>();
  private any?: Expr;
  private depth = 0;
  readonly reasons: string[] = [];

  constructor(
    private readonly root: unknown,
    compact: boolean,
  ) {
    const indent = rep(
      cls([
        [0x09, 0x09],
        [0x20, 0x20],
      ]),
      0,
      MAX_INDENT,
    );
    // Written out at every gap, not as a rule: a nullable rule between tokens measured 10 times slower masks.
    this.ws = compact ? EMPTY : opt(alt(lit(' '), seq(lit('\n'), this.rules.define('indent', indent))));
  }

  unsatisfiable(at: string, why: string): Expr {
    this.reasons.push(`${why} at ${at}`);
    return NEVER;
  }

  value(node: unknown, at: string): Expr {
    if (++this.depth > MAX_DEPTH) throw new SchemaRefusal(`the schema nests deeper than ${MAX_DEPTH} levels`, at);
    try {
      return this.valueOf(node, at);
    } finally {
      this.depth--;
    }
  }

  anyValue(): Expr {
    if (this.any) return this.any;
    const { rules, ws } = this;
    const value = rules.reserve('json_value');
    this.any = ref(value);
    const sep = seq(ws, lit(','), ws);
    const string = stringOfLength(rules, 0, undefined);
    const member = seq(string, ws, lit(':'), ws, ref(value));
    const object = alt(seq(lit('{'), ws, lit('}')), seq(lit('{'), ws, member, rep(seq(sep, member), 0, undefined), ws, lit('}')));
    const array = alt(seq(lit('['), ws, lit(']')), seq(lit('['), ws, ref(value), rep(seq(sep, ref(value)), 0, undefined), ws, lit(']')));
    rules.set(
      value,
      alt(
        rules.define('json_object', object),
        rules.define('json_array', array),
        string,
        anyNumber(),
        lit('true'),
        lit('false'),
        lit('null'),
      ),
    );
    return this.any;
  }

  /** The rule for the schema at a `#…` pointer (converted once; recursion refers to the rule). */
  refRule(pointer: string, at: string): Expr {
    const known = this.defs.get(pointer);
    if (known) return ref(known);
    const target = this.resolvePointer(pointer, at);
    const segments = pointer.split('/');
    const name = this.rules.reserve(pointer === '#' ? 'root' : `def_${segments[segments.length - 1]}`);
    this.defs.set(pointer, name);
    this.rules.set(name, this.value(target, pointer));
    return ref(name);
  }

  /** Follows `$ref` (and one-schema `allOf`) to the schema that says something, for the oneOf analysis. */
  readonly resolve = (node: unknown): unknown => {
    for (let hops = 0; hops < 32 && isObject(node); hops++) {
      if (typeof node.$ref === 'string') node = this.resolvePointer(node.$ref, '#');
      else return node;
    }
    return node;
  };

  private resolvePointer(pointer: string, at: string): unknown {
    if (!pointer.startsWith('#'))
      throw new SchemaRefusal(`only local $ref (#, #/$defs/…, #/definitions/…) is supported, not ${JSON.stringify(pointer)}`, at);
    const path = pointer.slice(1);
    if (path !== '' && !path.startsWith('/'))
      throw new SchemaRefusal(`$ref to an anchor (${JSON.stringify(pointer)}) is not supported`, at);
    let node: unknown = this.root;
    for (const raw of path === '' ? [] : path.slice(1).split('/')) {
      let key: string;
      try {
        key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      } catch {
        throw new SchemaRefusal(`$ref ${JSON.stringify(pointer)} is not a valid JSON pointer`, at);
      }
      if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < node.length) node = node[Number(key)];
      else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, key)) node = node[key];
      else throw new SchemaRefusal(`$ref ${JSON.stringify(pointer)} does not resolve`, at);
    }
    return node;
  }

  private valueOf(node: unknown, at: string): Expr {
    if (node === true) return this.anyValue();
    if (node === false) return this.unsatisfiable(at, 'the schema false');
    if (!isObject(node)) throw new SchemaRefusal('a schema must be an object or a boolean', at);
    this.checkSupported(node, at);
    const combinators = COMBINATORS.filter((k) => k in node);
    if (combinators.length > 0) {
      const values = Object.keys(node).filter((k) => VALUE_KEYWORDS.has(k));
      if (combinators.length > 1 || values.length > 0)
        throw new SchemaRefusal(`${combinators[0]} next to ${combinators[1] ?? values[0]} is not supported (it means both at once)`, at);
      return this.combination(combinators[0], node, at);
    }
    if ('const' in node || 'enum' in node) return this.literals(node, at);
    const parts = this.types(node, at).map((t) => this.typed(t, node, at));
    const out = alt(...parts);
    return out.k === 'never' ? this.unsatisfiable(at, 'no value of its types fits') : out;
  }

  private checkSupported(node: Record<string, unknown>, at: string): void {
    for (const key of Object.keys(node)) {
      if (!(key in UNSUPPORTED)) continue;
      // `if` alone, or `then`/`else` without it, assert nothing.
      if ((key === 'then' || key === 'else') && !('if' in node)) continue;
      if (key === 'if' && !('then' in node) && !('else' in node)) continue;
      throw new SchemaRefusal(`${key} is not supported (${UNSUPPORTED[key]})`, at);
    }
    if ('$id' in node && at !== '#') throw new SchemaRefusal('$id inside a schema is not supported', at);
  }

  private combination(keyword: (typeof COMBINATORS)[number], node: Record<string, unknown>, at: string): Expr {
    if (keyword === '$ref') {
      if (typeof node.$ref !== 'string') throw new SchemaRefusal('$ref must be a string', at);
      return this.refRule(node.$ref, at);
    }
    const branches = node[keyword];
    if (!Array.isArray(branches) || branches.length === 0) throw new SchemaRefusal(`${keyword} must be a non-empty list of schemas`, at);
    if (keyword === 'allOf') {
      if (branches.length > 1) throw new SchemaRefusal('allOf with more than one schema is not supported', at);
      return this.value(branches[0], child(at, 'allOf', 0));
    }
    if (keyword === 'oneOf') {
      const overlap = overlappingBranches(branches, this.resolve);
      if (overlap)
        throw new SchemaRefusal(
          `oneOf branches ${overlap[0]} and ${overlap[1]} may both match a value, which oneOf forbids; use anyOf, or tell them apart by type, const or enum values, or a required property with const values`,
          at,
        );
    }
    const out = alt(...branches.map((b, i) => this.value(b, child(at, keyword, i))));
    return out.k === 'never' ? this.unsatisfiable(at, `no ${keyword} branch admits a value`) : out;
  }

  private types(node: Record<string, unknown>, at: string): JsonType[] {
    let types: JsonType[];
    if ('type' in node) {
      const listed = Array.isArray(node.type) ? node.type : [node.type];
      if (listed.length === 0) throw new SchemaRefusal('type must not be an empty list', at);
      for (const t of listed)
        if (typeof t !== 'string' || !(JSON_TYPES as readonly string[]).includes(t))
          throw new SchemaRefusal(`Unsupported type ${JSON.stringify(t)} (the types are ${JSON_TYPES.join(', ')})`, at);
      types = [...new Set(listed as JsonType[])];
    } else {
      // As xgrammar does: keywords of one kind of value mean that kind.
      const inferred = (Object.keys(TYPE_KEYWORDS) as (keyof typeof TYPE_KEYWORDS)[]).filter((t) =>
        TYPE_KEYWORDS[t].some((k) => k in node),
      );
      types = inferred.length > 0 ? inferred : JSON_TYPES.filter((t) => t !== 'integer');
    }
    // Every integer is a number.
    return types.includes('number') ? types.filter((t) => t !== 'integer') : types;
  }

  private typed(type: JsonType, node: Record<string, unknown>, at: string): Expr {
    switch (type) {
      case 'null':
        return lit('null');
      case 'boolean':
        return alt(lit('true'), lit('false'));
      case 'integer':
      case 'number': {
        try {
          const bounds = this.bounds(node, at);
          const out = type === 'integer' ? integerGrammar(bounds) : numberGrammar(bounds);
          return out.k === 'never' ? this.unsatisfiable(at, `no ${type} meets the bounds`) : out;
        } catch (err) {
          if (err instanceof BoundError) throw new SchemaRefusal(err.message, at);
          throw err;
        }
      }
      case 'string':
        return this.string(node, at);
      case 'array':
        return arrayGrammar(this, node, at);
      case 'object':
        return objectGrammar(this, node, at);
    }
  }

  private bounds(node: Record<string, unknown>, at: string): Bounds {
    const bounds: Bounds = {};
    for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
      const v = node[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SchemaRefusal(`${key} must be a number`, at);
      bounds[key] = v;
    }
    return bounds;
  }

  private length(node: Record<string, unknown>, key: string, at: string): number | undefined {
    const v = node[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SchemaRefusal(`${key} must be a non-negative integer`, at);
    return v;
  }

  private string(node: Record<string, unknown>, at: string): Expr {
    const min = this.length(node, 'minLength', at) ?? 0;
    const max = this.length(node, 'maxLength', at);
    if (max !== undefined && max < min) return this.unsatisfiable(at, 'maxLength is below minLength');
    if (node.pattern !== undefined) {
      if (typeof node.pattern !== 'string') throw new SchemaRefusal('pattern must be a string', at);
      if (node.format !== undefined) throw new SchemaRefusal('pattern next to format is not supported', at);
      const rule = this.pattern(node.pattern, at);
      // A grammar has no intersection: lengths are honoured only where every string the pattern allows meets them.
      if (min > 0 || max !== undefined) {
        const [shortest, longest] = patternLengths(node.pattern);
        if (min > shortest || (max !== undefined && (longest === undefined || longest > max)))
          throw new SchemaRefusal('minLength or maxLength next to a pattern some of whose strings do not meet them is not supported', at);
      }
      return quoted(rule);
    }
    if (node.format !== undefined) {
      const format = typeof node.format === 'string' ? FORMATS[node.format] : undefined;
      if (!format) throw new SchemaRefusal(`format ${JSON.stringify(node.format)} is not supported (supported: ${SUPPORTED_FORMATS})`, at);
      const [shortest, longest] = format.length;
      if (min > shortest || (max !== undefined && (longest === undefined || max < longest)))
        throw new SchemaRefusal(`minLength or maxLength next to format ${JSON.stringify(node.format)} is not supported`, at);
      return this.rules.define(`format_${String(node.format).replace(/-/g, '_')}`, quoted(format.grammar()));
    }
    return stringOfLength(this.rules, min, max);
  }

  /**
   * A `pattern` as JSON string content: regex/'s translation in its JSON-string mode (characters a JSON string
   * holds unescaped, so the text between the quotes is the string itself) and JSON Schema's search reading (an
   * unanchored side takes any text), with xgrammar's regex converter's faults avoided (see regex/).
   */
  private pattern(pattern: string, at: string): Expr {
    let name = this.patterns.get(pattern);
    if (name === undefined) {
      name = this.rules.reserve(`pattern${this.patterns.size}`);
      let text: string;
      try {
        text = regexToEbnfRules(pattern, name, { jsonString: true, search: true });
      } catch (err) {
        if (err instanceof TranslationError) throw new SchemaRefusal(`pattern ${JSON.stringify(clipped(pattern))}: ${err.message}`, at);
        throw err;
      }
      this.rules.setText(name, text);
      this.patterns.set(pattern, name);
    }
    return ref(name);
  }

  /** `enum` / `const`: their values' JSON text, those that also meet the node's other keywords. */
  private literals(node: Record<string, unknown>, at: string): Expr {
    let values: unknown[];
    if ('enum' in node) {
      if (!Array.isArray(node.enum)) throw new SchemaRefusal('enum must be a list', at);
      values = node.enum;
      if ('const' in node) values = values.filter((v) => canonicalJson(v) === canonicalJson(node.const));
    } else values = [node.const];
    for (const key of Object.keys(node))
      if (VALUE_KEYWORDS.has(key) && !LITERAL_CHECKS.has(key)) throw new SchemaRefusal(`${key} next to enum or const is not supported`, at);
    const types = 'type' in node ? this.types(node, at) : undefined;
    const bounds = this.bounds(node, at);
    const minLength = this.length(node, 'minLength', at);
    const maxLength = this.length(node, 'maxLength', at);
    const minItems = this.length(node, 'minItems', at);
    const maxItems = this.length(node, 'maxItems', at);
    const fits = (v: unknown): boolean => {
      const t = typeOf(v);
      if (types && !types.includes(t) && !(t === 'integer' && types.includes('number'))) return false;
      if (typeof v === 'number') {
        if (bounds.minimum !== undefined && v < bounds.minimum) return false;
        if (bounds.maximum !== undefined && v > bounds.maximum) return false;
        if (bounds.exclusiveMinimum !== undefined && v <= bounds.exclusiveMinimum) return false;
        if (bounds.exclusiveMaximum !== undefined && v >= bounds.exclusiveMaximum) return false;
      }
      if (typeof v === 'string') {
        const n = Array.from(v).length;
        if ((minLength !== undefined && n < minLength) || (maxLength !== undefined && n > maxLength)) return false;
      }
      if (Array.isArray(v) && ((minItems !== undefined && v.length < minItems) || (maxItems !== undefined && v.length > maxItems)))
        return false;
      return true;
    };
    const seen = new Set<string>();
    const texts: Expr[] = [];
    for (const v of values.filter(fits)) {
      const key = canonicalJson(v);
      if (seen.has(key)) continue;
      seen.add(key);
      texts.push(lit(JSON.stringify(v)));
    }
    return texts.length === 0 ? this.unsatisfiable(at, 'no enum or const value fits') : alt(...texts);
  }
}

const clipped = (text: string): string => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** The EBNF (root rule `root`) of the JSON texts valid under `schema` (parsed JSON: an object or a boolean). */
export function jsonSchemaGrammar(schema: unknown, opts: JsonGrammarOptions = {}): string {
  const conv = new Converter(schema, opts.compact ?? false);
  let grammar: string | undefined;
  try {
    conv.refRule('#', '#');
    grammar = conv.rules.finish('root');
  } catch (err) {
    if (err instanceof GrammarTooLargeError) throw new SchemaRefusal(`the schema needs a grammar over ${MAX_GRAMMAR_CHARS} characters`);
    throw err;
  }
  if (grammar === undefined) {
    const why = conv.reasons[0] ?? 'its $ref recursion never ends';
    throw new SchemaRefusal(`the schema admits no (finite) JSON value: ${why}`);
  }
  return grammar;
}

/** Any JSON object (OpenAI's JSON mode). */
export function jsonObjectGrammar(opts: JsonGrammarOptions = {}): string {
  return jsonSchemaGrammar({ type: 'object' }, opts);
}
