import { SchemaRefusal } from './context';
import { type JsonGrammarOptions, jsonObjectGrammar, jsonSchemaGrammar } from './converter';

export { SchemaRefusal } from './context';
export { type JsonGrammarOptions, jsonObjectGrammar, jsonSchemaGrammar, MAX_INDENT } from './converter';

/** Grammars of the last schemas converted: a spec is checked, then parsed on the probe, then compiled. */
const recent = new Map<string, string>();
const RECENT = 16;

/**
 * The EBNF for a JSON Schema's text, or for any JSON object when `schemaText` is undefined (JSON mode). Throws
 * SchemaRefusal for a schema it cannot constrain exactly; the text must already be known to parse.
 */
export function jsonGrammar(schemaText: string | undefined, opts: JsonGrammarOptions = {}): string {
  const key = `${opts.compact ? 'compact' : 'spaced'}\0${schemaText ?? ''}`;
  let grammar = recent.get(key);
  if (grammar === undefined) {
    grammar = schemaText === undefined ? jsonObjectGrammar(opts) : jsonSchemaGrammar(JSON.parse(schemaText), opts);
    recent.set(key, grammar);
    if (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
  }
  return grammar;
}

/** A structural tag's `{type: "json_schema", json_schema}` format as the `{type: "grammar"}` format of our grammar. */
export function jsonSchemaFormat(format: Record<string, unknown>, opts: JsonGrammarOptions = {}): Record<string, unknown> {
  const schema = format.json_schema;
  let text = JSON.stringify(schema ?? {});
  if (typeof schema === 'string') {
    try {
      JSON.parse(schema);
    } catch {
      throw new SchemaRefusal('json_schema is not valid JSON');
    }
    text = schema;
  }
  return { type: 'grammar', grammar: jsonGrammar(text, opts) };
}
