import { isAlias, isMap, isNode, isScalar, isSeq, type Document } from 'yaml';
import type { FileIssue } from '../leaf-issue';
import { suggestKey } from './key-suggestion';
import type { ArrayShape, ObjectShape, Shape } from './shape';

export interface ShapeContext {
  doc: Document.Parsed;
  lineAt(offset: number): number;
  issues: FileIssue[];
  /**
   * Aliases may still be followed. Each one re-walks the anchored value, so nested aliases multiply the
   * work ("billion laughs"); past this budget they are refused, as the yaml package itself does at 100.
   */
  aliasesLeft: number;
}

export const MAX_ALIASES = 100;

/** Longest unknown key quoted back in a message: keys come from the upload and end up in responses. */
const MAX_QUOTED_KEY = 60;

/**
 * Checks one YAML value against `shape`, pushing every problem found (it never stops at the first).
 * `line` is where to point when the value itself has no position (a key with nothing after the colon)
 * and for problems of the value as a whole, such as too few items.
 */
export function checkShape(value: unknown, shape: Shape, path: string, line: number, ctx: ShapeContext): void {
  const at = (n: unknown) => (isNode(n) && n.range ? ctx.lineAt(n.range[0]) : line);
  const report = (rule: string, message: string, where = at(value)): void => {
    ctx.issues.push({ line: where, rule, message });
  };
  if (isAlias(value) && --ctx.aliasesLeft < 0) {
    if (ctx.aliasesLeft === -1) report('aliases', `more than ${MAX_ALIASES} aliases are used; write the values out instead`);
    return;
  }
  const node = isAlias(value) ? value.resolve(ctx.doc) : value;

  switch (shape.kind) {
    case 'text':
      if (!isScalar(node) || typeof node.value !== 'string')
        return report('type', `${path} must be text, found ${describe(node)}${quoteHint(node)}`);
      if (node.value.length === 0) return report('min-length', `${path} must not be empty`);
      return;
    case 'integer':
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value))
        return report('type', `${path} must be a whole number, found ${describe(node)}`);
      return;
    case 'object':
      return checkObject(node, shape, path, line, ctx, report);
    case 'array':
      return checkArray(node, shape, path, line, ctx, report);
  }
}

type Report = (rule: string, message: string, where?: number) => void;

function checkObject(node: unknown, shape: ObjectShape, path: string, line: number, ctx: ShapeContext, report: Report): void {
  if (!isMap(node)) return report('type', `${path || 'the file'} must be a mapping of keys to values, found ${describe(node)}`);
  const known = Object.keys(shape.fields);
  const seen = new Set<string>();
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const keyLine = isNode(pair.key) && pair.key.range ? ctx.lineAt(pair.key.range[0]) : line;
    if (key === undefined) {
      report('key-type', `${path || 'the file'} has a key that is not plain text`, keyLine);
      continue;
    }
    seen.add(key);
    const field = shape.fields[key];
    const childPath = path ? `${path}.${key}` : key;
    if (field) checkShape(pair.value, field.shape, childPath, keyLine, ctx);
    else if (shape.closed) report('unknown-key', unknownKeyMessage(key, path, known), keyLine);
  }
  // Blamed on the line that introduced the mapping (its key, or its "-"), not on its first key.
  for (const [key, field] of Object.entries(shape.fields)) {
    if (field.required && !seen.has(key)) report('required', `${path || 'the file'} is missing the required key "${key}"`, line);
  }
}

function checkArray(node: unknown, shape: ArrayShape, path: string, line: number, ctx: ShapeContext, report: Report): void {
  if (!isSeq(node)) return report('type', `${path} must be a list, found ${describe(node)}`);
  const count = node.items.length;
  if (count < shape.minItems) {
    report(
      'min-items',
      `${path} has ${count} item${count === 1 ? '' : 's'}; at least ${shape.minItems} ${shape.minItems === 1 ? 'is' : 'are'} required`,
      line,
    );
  }
  const firstSeen = new Map<string, number>();
  node.items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const itemLine = isNode(item) && item.range ? ctx.lineAt(item.range[0]) : line;
    if (shape.unique) {
      const fingerprint = fingerprintOf(item, ctx.doc);
      const earlier = firstSeen.get(fingerprint);
      if (earlier !== undefined)
        report('unique-items', `${itemPath} repeats ${path}[${earlier}]; the items of ${path} must all differ`, itemLine);
      else firstSeen.set(fingerprint, i);
    }
    checkShape(item, shape.items, itemPath, itemLine, ctx);
  });
}

function unknownKeyMessage(key: string, path: string, known: readonly string[]): string {
  const shown = key.length > MAX_QUOTED_KEY ? `${key.slice(0, MAX_QUOTED_KEY)}…` : key;
  const suggestion = suggestKey(key, known);
  const where = path ? ` in ${path}` : '';
  return `unknown key "${shown}"${where}${suggestion ? ` (did you mean "${suggestion}"?)` : `; allowed: ${known.join(', ')}`}`;
}

function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return 'nothing';
    if (typeof node.value === 'string') return 'text';
    if (node.value instanceof Date) return `a date (${node.source ?? String(node.value)})`;
    if (typeof node.value === 'boolean' || typeof node.value === 'number')
      return `a ${typeof node.value} (${node.source ?? String(node.value)})`;
    return 'a non-text value';
  }
  return 'nothing';
}

/** YAML reads `yes`, `on`, `3.10`, `2024-01-31` or `0123` as non-strings; quoting them is the usual fix. */
function quoteHint(node: unknown): string {
  const v = isScalar(node) ? node.value : undefined;
  return typeof v === 'boolean' || typeof v === 'number' || v instanceof Date ? '; put the value in quotes' : '';
}

/** What makes two items equal; a value that cannot be read (too many aliases) is unique rather than fatal. */
function fingerprintOf(item: unknown, doc: Document.Parsed): string {
  try {
    return canonicalJson(isNode(item) ? item.toJS(doc) : item);
  } catch {
    return `unreadable:${Math.random()}`;
  }
}

/** JSON with sorted keys: JSON Schema's uniqueItems compares mappings regardless of key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
