import type { Grammar } from '@mlc-ai/web-xgrammar';
import { type ConstraintSpec, InvalidConstraintError } from '../contract';
import { jsonGrammar, SchemaRefusal } from './json-schema';
import { choiceToEbnf } from './regex/choice-to-ebnf';
import { sanitizeEbnf } from './regex/ebnf-sanitizer';
import { regexToEbnf } from './regex/regex-to-ebnf';
import { TranslationError } from './regex/translation-error';
import { rewriteStructuralTag } from './structural-tag-rewrite';
import { isWasmRuntimeError, type XgrammarApi } from './xgrammar-loader';

/**
 * From a ConstraintSpec to an xgrammar Grammar, with the bounds that keep hostile specs cheap. The same function
 * runs twice per new spec: on a disposable instance that may abort, then on the long-lived one (see constraints.ts).
 */

/** Most characters of schema, pattern, grammar or tag text, and of all choices together. */
export const MAX_SPEC_CHARS = 64 * 1024;
export const MAX_CHOICES = 1024;

/** Rejects what is malformed or too large before any native code sees it; returns the cache key. */
export function checkSpec(spec: ConstraintSpec): string {
  switch (spec.kind) {
    case 'json_object':
      return `json_object\0${whitespace(spec)}`;
    case 'json_schema':
      bounded('JSON schema', spec.schema);
      parseJson('JSON schema', spec.schema, (v) => typeof v === 'boolean' || isObject(v), 'an object or a boolean');
      converted(spec, () => jsonGrammar(spec.schema, { compact: spec.disableAnyWhitespace }));
      return `json_schema\0${whitespace(spec)}\0${spec.schema}`;
    case 'regex':
      bounded('regex', spec.pattern);
      translated(spec, () => regexToEbnf(spec.pattern));
      return `regex\0${spec.pattern}`;
    case 'grammar':
      bounded('grammar', spec.grammar);
      if (spec.grammar.trim() === '') throw new InvalidConstraintError('grammar is empty');
      translated(spec, () => sanitizeEbnf(spec.grammar));
      return `grammar\0${spec.grammar}`;
    case 'structural_tag':
      bounded('structural tag', spec.tag);
      parseJson('structural tag', spec.tag, isObject, 'an object');
      translated(spec, () => rewriteStructuralTag(spec.tag, { compactJson: spec.disableAnyWhitespace }));
      return `structural_tag\0${whitespace(spec)}\0${spec.tag}`;
    case 'choice': {
      const { choices } = spec;
      if (!Array.isArray(choices) || choices.length === 0) throw new InvalidConstraintError('choice needs at least one string');
      if (choices.length > MAX_CHOICES)
        throw new InvalidConstraintError(`choice allows at most ${MAX_CHOICES} strings, got ${choices.length}`);
      let total = 0;
      for (const c of choices) {
        if (typeof c !== 'string') throw new InvalidConstraintError('choice takes strings only');
        // (With the u flag a pair is one code point, so only a lone surrogate matches.)
        if (/\p{Cs}/u.test(c)) throw new InvalidConstraintError('choice strings must not hold lone surrogates');
        total += c.length;
      }
      if (total > MAX_SPEC_CHARS) throw new InvalidConstraintError(`choice strings exceed ${MAX_SPEC_CHARS} characters in all`);
      return `choice\0${JSON.stringify(choices)}`;
    }
    default:
      throw new InvalidConstraintError(`unknown constraint kind ${String((spec as { kind: unknown }).kind)}`);
  }
}

/**
 * The grammar for a checked spec. JSON comes from our converter (json-schema/): xgrammar 0.1.27's lets invalid JSON
 * through (control characters, unescaped names, wrong bounds) and any amount of whitespace, which small models pad
 * with until max_tokens; schemas are strict (no properties beyond the listed ones) as vLLM's xgrammar default.
 */
export function buildGrammar(api: XgrammarApi, spec: ConstraintSpec): Promise<Grammar> {
  switch (spec.kind) {
    case 'json_object':
      // Objects only, as OpenAI's JSON mode promises.
      return api.Grammar.fromEBNF(jsonGrammar(undefined, { compact: spec.disableAnyWhitespace }), 'root');
    case 'json_schema':
      return api.Grammar.fromEBNF(jsonGrammar(spec.schema, { compact: spec.disableAnyWhitespace }), 'root');
    case 'regex':
      // Our own translation: xgrammar's regex converter mishandles non-ASCII classes, `.`, `\xHH` and `[\^…]`.
      return api.Grammar.fromEBNF(regexToEbnf(spec.pattern), 'root');
    case 'choice':
      return api.Grammar.fromEBNF(choiceToEbnf(spec.choices), 'root');
    case 'grammar':
      return api.Grammar.fromEBNF(sanitizeEbnf(spec.grammar), 'root');
    case 'structural_tag':
      return api.Grammar.fromStructuralTag(rewriteStructuralTag(spec.tag, { compactJson: spec.disableAnyWhitespace }));
  }
}

const KIND_NAMES: Record<ConstraintSpec['kind'], string> = {
  json_object: 'JSON object',
  json_schema: 'JSON schema',
  regex: 'regex',
  choice: 'choice',
  grammar: 'grammar',
  structural_tag: 'structural tag',
};

/**
 * The client-facing text of a failed compile: xgrammar's own message (`[FATAL] /build/path/file.cc:552: EBNF
 * parser error at line 1, column 11: …`) without the source location and check boilerplate, bounded in length.
 */
export function describeFailure(spec: ConstraintSpec, printed: string[], error: unknown): string {
  const fatal = printed.find((line) => line.includes('[FATAL]') || line.includes('[ERROR]'));
  let detail: string;
  if (fatal !== undefined) {
    detail = fatal
      .replace(/^.*?\[(FATAL|ERROR)\]\s*\S+?:\d+:\s*/, '')
      .replace(/^Check failed: \(.*?\) is false:\s*/, '')
      .replace(/\s*The JSON string is:[\s\S]*$/, '');
  } else if (error instanceof Error && !isWasmRuntimeError(error)) {
    detail = error.message;
  } else {
    detail = 'rejected by the grammar compiler';
  }
  return clip(`invalid ${KIND_NAMES[spec.kind]}: ${detail.trim()}`);
}

/** Messages quote the spec; a 64 KiB spec must not come back whole. */
function clip(message: string): string {
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}

/** Runs our translation of the spec's text for its refusals (a TranslationError is the client's mistake). */
function translated(spec: ConstraintSpec, translate: () => unknown): void {
  try {
    translate();
  } catch (err) {
    if (err instanceof TranslationError) throw new InvalidConstraintError(clip(`invalid ${KIND_NAMES[spec.kind]}: ${err.message}`));
    throw err;
  }
}

/** Runs the JSON Schema converter for its refusals (a SchemaRefusal names the keyword and where it is). */
function converted(spec: ConstraintSpec, convert: () => unknown): void {
  try {
    convert();
  } catch (err) {
    if (err instanceof SchemaRefusal) throw new InvalidConstraintError(clip(`invalid ${KIND_NAMES[spec.kind]}: ${err.message}`));
    throw err;
  }
}

/** The cache key's part for the JSON whitespace mode. */
function whitespace(spec: { disableAnyWhitespace?: boolean }): string {
  return spec.disableAnyWhitespace ? 'compact' : '';
}

function bounded(what: string, text: unknown): void {
  if (typeof text !== 'string') throw new InvalidConstraintError(`${what} must be a string`);
  if (text.length > MAX_SPEC_CHARS) throw new InvalidConstraintError(`${what} exceeds ${MAX_SPEC_CHARS} characters (${text.length})`);
}

function parseJson(what: string, text: string, ok: (v: unknown) => boolean, shape: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidConstraintError(clip(`${what} is not valid JSON: ${(err as Error).message}`));
  }
  if (!ok(value)) throw new InvalidConstraintError(`${what} must be ${shape}`);
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
