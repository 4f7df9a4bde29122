import { InvalidRequest } from '../errors';

/**
 * Typed reads of untrusted JSON fields. Each reader returns `undefined` for an absent or null field and throws
 * `InvalidRequest` naming the field when the value has the wrong type or range.
 */

export type Json = Record<string, unknown>;

export function asObject(value: unknown, what = 'Request body'): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidRequest(`${what} must be a JSON object`);
  return value as Json;
}

interface NumberRange {
  min?: number;
  max?: number;
  /** lower bound excluded */
  gt?: number;
  /** upper bound excluded */
  lt?: number;
}

function present(obj: Json, key: string): boolean {
  return obj[key] !== undefined && obj[key] !== null;
}

export function optNumber(obj: Json, key: string, range: NumberRange = {}): number | undefined {
  if (!present(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidRequest(`${key} must be a number, got ${JSON.stringify(v)}`, key);
  checkRange(key, v, range);
  return v;
}

export function optInt(obj: Json, key: string, range: NumberRange = {}): number | undefined {
  if (!present(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidRequest(`${key} must be an integer, got ${JSON.stringify(v)}`, key);
  checkRange(key, v, range);
  return v;
}

function checkRange(key: string, v: number, r: NumberRange): void {
  if (r.min !== undefined && v < r.min) throw new InvalidRequest(`${key} must be at least ${r.min}, got ${v}.`, key);
  if (r.max !== undefined && v > r.max) throw new InvalidRequest(`${key} must be at most ${r.max}, got ${v}.`, key);
  if (r.gt !== undefined && v <= r.gt) throw new InvalidRequest(`${key} must be greater than ${r.gt}, got ${v}.`, key);
  if (r.lt !== undefined && v >= r.lt) throw new InvalidRequest(`${key} must be less than ${r.lt}, got ${v}.`, key);
}

export function optBool(obj: Json, key: string): boolean | undefined {
  if (!present(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'boolean') throw new InvalidRequest(`${key} must be a boolean, got ${JSON.stringify(v)}`, key);
  return v;
}

export function optString(obj: Json, key: string): string | undefined {
  if (!present(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'string') throw new InvalidRequest(`${key} must be a string, got ${JSON.stringify(v)}`, key);
  return v;
}

export function optObject(obj: Json, key: string): Json | undefined {
  if (!present(obj, key)) return undefined;
  return asObject(obj[key], key);
}

/** A string or a list of strings (OpenAI `stop`), normalised to a list. */
export function optStringList(obj: Json, key: string): string[] | undefined {
  if (!present(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw new InvalidRequest(`${key} must be a string or a list of strings`, key);
}

export function isTokenIds(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((t) => typeof t === 'number' && Number.isInteger(t) && t >= 0);
}

export function optIntList(obj: Json, key: string): number[] | undefined {
  if (!present(obj, key)) return undefined;
  const v = obj[key];
  if (!isTokenIds(v)) throw new InvalidRequest(`${key} must be a list of non-negative integers`, key);
  return v;
}
