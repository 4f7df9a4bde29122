import { jsonSchemaFormat, SchemaRefusal } from './json-schema';
import { sanitizeEbnf } from './regex/ebnf-sanitizer';
import { regexToEbnf } from './regex/regex-to-ebnf';
import { TranslationError } from './regex/translation-error';

/**
 * Rewrites the formats of a structural tag that xgrammar 0.1.27 would compile wrong into formats it compiles right,
 * leaving the rest as given: a `regex` format becomes a `grammar` format with our translation of the pattern, a
 * `json_schema` format one with our JSON Schema grammar (json-schema/, whitespace as for a json_schema spec), and
 * a `grammar` format's EBNF is made safe the way a `grammar` spec is. The walk follows the format tree only
 * (`format`, `content`, `elements`, `tags`), never into a JSON schema's own keywords. One rewriter per leaf format
 * type: add one here for another type (JSON schemas, for instance).
 */

type Format = Record<string, unknown>;

export interface RewriteOptions {
  /** JSON without whitespace in `json_schema` formats (vLLM's `disable_any_whitespace`). */
  compactJson?: boolean;
}

const LEAF_REWRITES: Record<string, (format: Format, opts: RewriteOptions) => Format> = {
  regex: (format) => {
    if (typeof format.pattern !== 'string') return format; // xgrammar names what is missing
    return { type: 'grammar', grammar: within(`regex ${quote(format.pattern)}`, () => regexToEbnf(format.pattern as string)) };
  },
  grammar: (format) => {
    if (typeof format.grammar !== 'string') return format;
    return { ...format, grammar: within('grammar', () => sanitizeEbnf(format.grammar as string)) };
  },
  json_schema: (format, opts) => {
    try {
      return jsonSchemaFormat(format, { compact: opts.compactJson });
    } catch (err) {
      if (err instanceof SchemaRefusal) throw new TranslationError(`json_schema: ${err.message}`);
      throw err;
    }
  },
};

/** The tag's JSON text with its formats rewritten; throws TranslationError naming the part it cannot translate. */
export function rewriteStructuralTag(tagJson: string, opts: RewriteOptions = {}): string {
  const tag: unknown = JSON.parse(tagJson);
  if (!isObject(tag)) return tagJson;
  const rewrite = (node: unknown): unknown => rewriteFormat(node, opts);
  const rewritten = 'format' in tag ? { ...tag, format: rewrite(tag.format) } : rewrite(tag);
  return JSON.stringify(rewritten);
}

function rewriteFormat(node: unknown, opts: RewriteOptions): unknown {
  if (!isObject(node)) return node;
  const leaf = typeof node.type === 'string' ? LEAF_REWRITES[node.type] : undefined;
  if (leaf) return leaf(node, opts);
  const rewrite = (child: unknown): unknown => rewriteFormat(child, opts);
  const out: Format = { ...node };
  if ('content' in node) out.content = rewrite(node.content);
  if (Array.isArray(node.elements)) out.elements = node.elements.map(rewrite);
  if (Array.isArray(node.tags)) out.tags = node.tags.map(rewrite);
  return out;
}

function within<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TranslationError) throw new TranslationError(`${what}: ${err.message}`);
    throw err;
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function isObject(v: unknown): v is Format {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
