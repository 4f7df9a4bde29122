import type { InputLimits } from './input-limits';

/** One broken limit: the field it is in (`messages.3.content`, '' for the body itself) and what is wrong. */
export interface LimitBreach {
  field: string;
  message: string;
}

/** The depth message, shared by the byte scan and the value walk. */
export function depthBreach(limits: InputLimits): LimitBreach {
  return { field: '', message: `The request body nests deeper than ${limits.depth} levels, the limit of ${scopeOf(limits)}.` };
}

const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);

/**
 * The first value of a parsed body that breaks `limits`: depth, the length of a string or key, the size of an array
 * or object, or a NUL character (which PostgreSQL cannot store in text and no field of this API means). An explicit
 * stack, not recursion, so the walk's own depth never depends on the input's.
 */
export function findLimitBreach(body: unknown, limits: InputLimits): LimitBreach | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === 'string') {
      const breach = stringBreach(value, path, limits.stringChars, scopeOf(limits));
      if (breach) return breach;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > limits.depth) return depthBreach(limits);
    if (Array.isArray(value)) {
      if (value.length > limits.collectionItems) return collectionBreach(path, value.length, 'items', limits);
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: join(path, i), depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > limits.collectionItems) return collectionBreach(path, keys.length, 'keys', limits);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const field = join(path, key);
      const breach = stringBreach(key, field, limits.stringChars, scopeOf(limits), 'name');
      if (breach) return breach;
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return undefined;
}

/** How messages name where a limit applies: `auth routes`. */
export const scopeOf = (limits: InputLimits) => `${limits.name} routes`;

/**
 * The NUL and length rules of one string (a body's value or key, a query or path parameter): at most `max`
 * characters, the limit of `scope`.
 */
export function stringBreach(value: string, field: string, max: number, scope: string, what = 'value'): LimitBreach | undefined {
  const label = field === '' ? 'the request body' : field;
  if (value.length > max) return { field, message: `The ${what} of ${label} is longer than ${max} characters, the limit of ${scope}.` };
  if (value.includes('\u0000'))
    return { field, message: `The ${what} of ${label} contains a NUL character (\\u0000), which is not allowed.` };
  return undefined;
}

function collectionBreach(path: string, size: number, what: string, limits: InputLimits): LimitBreach {
  const label = path === '' ? 'The request body' : path;
  return { field: path, message: `${label} has ${size} ${what}, more than ${limits.collectionItems}, the limit of ${scopeOf(limits)}.` };
}
