import { PlatformError } from '@platform/common';

/** One operation of a JSON Patch (RFC 6902) as the seed allows them: add, remove, replace. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  /** The path's reference tokens, unescaped (`~1` → `/`, `~0` → `~`). */
  tokens: string[];
  value?: unknown;
}

const OPS = ['add', 'remove', 'replace'];
const MAX_OPERATIONS = 100;
type Json = Record<string, unknown> | unknown[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the patch document: an array of `{op, path, value}`; anything else is a 400 naming what is wrong. */
export function parsePatch(json: string): PatchOperation[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw PlatformError.invalid('The JSON Patch must be a JSON array of operations.', 'json_patch');
  }
  if (!Array.isArray(doc)) throw PlatformError.invalid('The JSON Patch must be a JSON array of operations.', 'json_patch');
  if (doc.length > MAX_OPERATIONS)
    throw PlatformError.invalid(`The JSON Patch may hold at most ${MAX_OPERATIONS} operations.`, 'json_patch');
  return doc.map((item: unknown, i): PatchOperation => {
    if (!isObject(item)) throw PlatformError.invalid(`Patch operation ${i} must be an object with op and path.`, 'json_patch');
    const { op, path } = item;
    if (typeof op !== 'string' || !OPS.includes(op))
      throw PlatformError.invalid(`Patch operation ${i}: op must be one of ${OPS.join(', ')}.`, 'op');
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw PlatformError.invalid(`Patch operation ${i}: path must be a JSON Pointer such as /name.`, 'path');
    if (op !== 'remove' && !('value' in item)) throw PlatformError.invalid(`Patch operation ${i} (${op} ${path}) needs a value.`, path);
    const tokens = path
      .slice(1)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (tokens.includes('__proto__')) throw PlatformError.invalid(`path ${path} cannot be patched.`, path);
    return { op: op as PatchOperation['op'], path, tokens, value: item.value };
  });
}

function notFound(o: PatchOperation): PlatformError {
  return PlatformError.invalid(
    `path ${o.path} does not exist in the deployment, so it cannot be ${o.op === 'remove' ? 'removed' : 'replaced'}.`,
    o.path,
  );
}

function arrayIndex(o: PatchOperation, parent: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return parent.length;
  if (!/^(0|[1-9][0-9]{0,5})$/.test(token)) throw notFound(o);
  const index = Number(token);
  if (index > parent.length || (!forAdd && index === parent.length)) throw notFound(o);
  return index;
}

/**
 * Applies one operation to `doc` in place. Members of objects may be replaced when absent (as an add), so a PATCH
 * can set an optional field the deployment does not have yet; array positions and removals must exist.
 */
export function applyOperation(doc: Record<string, unknown>, o: PatchOperation): void {
  let parent: Json = doc;
  for (const token of o.tokens.slice(0, -1)) {
    const next: unknown = Array.isArray(parent) ? parent[arrayIndex(o, parent, token, false)] : parent[token];
    if (!isObject(next) && !Array.isArray(next)) throw notFound(o);
    parent = next;
  }
  const last = o.tokens[o.tokens.length - 1];
  const value = o.op === 'remove' ? undefined : structuredClone(o.value);
  if (Array.isArray(parent)) {
    const index = arrayIndex(o, parent, last, o.op === 'add');
    if (o.op === 'add') parent.splice(index, 0, value);
    else if (o.op === 'remove') parent.splice(index, 1);
    else parent[index] = value;
    return;
  }
  if (o.op === 'remove') {
    if (!Object.hasOwn(parent, last)) throw notFound(o);
    delete parent[last];
    return;
  }
  parent[last] = value;
}
