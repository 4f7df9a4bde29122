import type { ConstraintSpec } from '@platform/engine';
import { InvalidRequest } from '../errors';
import type { Json } from '../http/body';

/** A constraint the request asked for, with the field that asked (named in a 400 if the engine cannot compile it). */
export interface RequestedConstraint {
  spec: ConstraintSpec;
  param: string;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** A JSON Schema given as an object or as its JSON text (vLLM takes both). */
function schemaText(value: unknown, param: string): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch {
      throw new InvalidRequest(`${param} must be a JSON Schema (an object or its JSON text)`, param);
    }
    return value;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === 'boolean') return JSON.stringify(value);
  throw new InvalidRequest(`${param} must be a JSON Schema (an object or its JSON text)`, param);
}

function text(value: unknown, param: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidRequest(`${param} must be a non-empty string`, param);
  return value;
}

function choices(value: unknown, param: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((c) => typeof c === 'string'))
    throw new InvalidRequest(`${param} must be a non-empty list of strings`, param);
  return value as string[];
}

/**
 * A structural tag as xgrammar reads it. vLLM's legacy form `{structures: [{begin, schema, end}], triggers}` is
 * turned into the current one (`triggered_tags`), as xgrammar itself does.
 */
function structuralTag(value: unknown, param: string): string {
  let tag: unknown = value;
  if (typeof value === 'string') {
    try {
      tag = JSON.parse(value);
    } catch {
      throw new InvalidRequest(`Invalid ${param} structural_tag specification.`, param);
    }
  }
  if (typeof tag !== 'object' || tag === null || Array.isArray(tag))
    throw new InvalidRequest(`Invalid ${param} structural_tag specification.`, param);
  const t = tag as Json;
  if (Array.isArray(t.structures)) {
    const triggers = t.triggers;
    if (!Array.isArray(triggers) || !triggers.every((x) => typeof x === 'string'))
      throw new InvalidRequest(`Invalid ${param} structural_tag specification.`, param);
    const tags = t.structures.map((s: unknown) => {
      const item = s as Json;
      if (typeof item !== 'object' || item === null || typeof item.begin !== 'string' || typeof item.end !== 'string')
        throw new InvalidRequest(`Invalid ${param} structural_tag specification.`, param);
      return { type: 'tag', begin: item.begin, content: { type: 'json_schema', json_schema: item.schema ?? {} }, end: item.end };
    });
    return JSON.stringify({ type: 'structural_tag', format: { type: 'triggered_tags', triggers, tags } });
  }
  if (t.format === undefined) throw new InvalidRequest(`Invalid ${param} structural_tag specification.`, param);
  return JSON.stringify({ type: 'structural_tag', format: t.format });
}

/** vLLM >= 0.12: `structured_outputs: {json | regex | choice | grammar | json_object | structural_tag, ...}`. */
function fromStructuredOutputs(body: Json): RequestedConstraint[] {
  const so = body.structured_outputs;
  if (!present(so)) return [];
  const param = 'structured_outputs';
  if (typeof so !== 'object' || Array.isArray(so)) throw new InvalidRequest(`${param} must be an object`, param);
  const o = so as Json;
  const found: RequestedConstraint[] = [];
  if (present(o.json)) found.push({ spec: { kind: 'json_schema', schema: schemaText(o.json, `${param}.json`) }, param });
  if (present(o.regex)) found.push({ spec: { kind: 'regex', pattern: text(o.regex, `${param}.regex`) }, param });
  if (present(o.choice)) found.push({ spec: { kind: 'choice', choices: choices(o.choice, `${param}.choice`) }, param });
  if (present(o.grammar)) found.push({ spec: { kind: 'grammar', grammar: text(o.grammar, `${param}.grammar`) }, param });
  if (o.json_object === true) found.push({ spec: { kind: 'json_object' }, param });
  if (present(o.structural_tag)) found.push({ spec: { kind: 'structural_tag', tag: structuralTag(o.structural_tag, param) }, param });
  if (found.length > 1)
    throw new InvalidRequest(
      `You can only use one kind of structured outputs constraint but multiple are specified: ${JSON.stringify(o)}`,
      param,
    );
  return found;
}

/** vLLM <= 0.11 (and the watsonx SDK): top-level `guided_json`, `guided_regex`, `guided_choice`, `guided_grammar`. */
function fromGuided(body: Json): RequestedConstraint[] {
  const found: RequestedConstraint[] = [];
  if (present(body.guided_json))
    found.push({ spec: { kind: 'json_schema', schema: schemaText(body.guided_json, 'guided_json') }, param: 'guided_json' });
  if (present(body.guided_regex))
    found.push({ spec: { kind: 'regex', pattern: text(body.guided_regex, 'guided_regex') }, param: 'guided_regex' });
  if (present(body.guided_choice))
    found.push({ spec: { kind: 'choice', choices: choices(body.guided_choice, 'guided_choice') }, param: 'guided_choice' });
  if (present(body.guided_grammar))
    found.push({ spec: { kind: 'grammar', grammar: text(body.guided_grammar, 'guided_grammar') }, param: 'guided_grammar' });
  if (found.length > 1)
    throw new InvalidRequest(
      "You can only use one kind of guided decoding ('guided_json', 'guided_regex', 'guided_choice', 'guided_grammar').",
      found[1].param,
    );
  return found;
}

/** OpenAI's `response_format`: text, json_object, json_schema `{name, schema, strict}`, and vLLM's structural_tag. */
function fromResponseFormat(body: Json): RequestedConstraint[] {
  const rf = body.response_format;
  if (!present(rf)) return [];
  const param = 'response_format';
  if (typeof rf !== 'object' || Array.isArray(rf)) throw new InvalidRequest(`${param} must be an object`, param);
  const f = rf as Json;
  switch (f.type) {
    case 'text':
      return [];
    case 'json_object':
      return [{ spec: { kind: 'json_object' }, param }];
    case 'json_schema': {
      const js = f.json_schema;
      if (typeof js !== 'object' || js === null || Array.isArray(js))
        throw new InvalidRequest("When response_format type is 'json_schema', the 'json_schema' field must be provided.", param);
      const j = js as Json;
      if (typeof j.name !== 'string') throw new InvalidRequest(`${param}.json_schema.name must be a string`, param);
      if (!present(j.schema)) return [{ spec: { kind: 'json_object' }, param }];
      return [{ spec: { kind: 'json_schema', schema: schemaText(j.schema, `${param}.json_schema.schema`) }, param }];
    }
    case 'structural_tag':
      return [{ spec: { kind: 'structural_tag', tag: structuralTag(f, param) }, param }];
    default:
      throw new InvalidRequest(
        `${param}.type must be one of "text", "json_object", "json_schema" or "structural_tag", got ${JSON.stringify(f.type)}`,
        param,
      );
  }
}

/**
 * The structured output a completions or chat request asks for, from any of the forms vLLM has accepted. One kind
 * per request: two (in one form or across forms, e.g. `guided_regex` with `response_format`) are a 400.
 */
export function readStructuredOutput(body: Json): RequestedConstraint | undefined {
  const found = [...fromStructuredOutputs(body), ...fromGuided(body), ...fromResponseFormat(body)];
  if (found.length > 1)
    throw new InvalidRequest(
      `You can only use one kind of structured outputs constraint but multiple are specified: ${found.map((f) => f.param).join(', ')}`,
      found[1].param,
    );
  const requested = found[0];
  if (requested && compactJson(body)) {
    const { spec } = requested;
    if (spec.kind === 'json_object' || spec.kind === 'json_schema' || spec.kind === 'structural_tag')
      return { ...requested, spec: { ...spec, disableAnyWhitespace: true } };
  }
  return requested;
}

/** vLLM's `structured_outputs.disable_any_whitespace`: JSON without whitespace, whichever field asked for the JSON. */
function compactJson(body: Json): boolean {
  const so = body.structured_outputs;
  if (typeof so !== 'object' || so === null || Array.isArray(so)) return false;
  const flag = (so as Json).disable_any_whitespace;
  if (flag !== undefined && flag !== null && typeof flag !== 'boolean')
    throw new InvalidRequest('structured_outputs.disable_any_whitespace must be a boolean', 'structured_outputs');
  return flag === true;
}
