import { PlatformError } from '../errors/platform-error';
import { MAX_PAGE_TOKEN_CHARS, badStart } from './page-token';

/** How many items one page of a list may hold, and how many it holds when the caller names no limit. */
export interface PageBounds {
  defaultLimit: number;
  maxLimit: number;
}

/** The watsonx.ai lists (/ml/v1/…, /v2/…): "By default limit is 100. Max limit allowed is 200." */
export const WATSONX_PAGE: PageBounds = { defaultLimit: 100, maxLimit: 200 };

/**
 * The InstructLab /v1 lists: the API reference allows at most 500 items in one answer, and a caller that names no
 * limit gets that many per page (as before paging existed), now with a `next` link instead of a silent cut.
 */
export const INSTRUCTLAB_PAGE: PageBounds = { defaultLimit: 500, maxLimit: 500 };

/** One page asked for: `start` is '' for the first page, else a token a previous page handed out in `next`. */
export interface PageRequest {
  limit: number;
  start: string;
}

/** One page served: `nextStart` is '' on the last page. */
export interface Page<T> {
  items: T[];
  totalCount: number;
  limit: number;
  nextStart: string;
}

const LIMIT = /^\d{1,6}$/;
const TOKEN_CHARS = /^[A-Za-z0-9_-]+$/;

/**
 * Reads `limit` and `start` as a query string (strings) or a gRPC request (numbers, 0 and '' meaning unset) gives
 * them. A limit outside the bounds or a start that cannot be a token is refused naming the parameter.
 */
export function pageRequest(q: { limit?: string | number; start?: string }, bounds: PageBounds): PageRequest {
  const raw = q.limit;
  const unset = raw === undefined || raw === '' || raw === 0;
  const limit = unset ? bounds.defaultLimit : typeof raw === 'number' ? raw : LIMIT.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.maxLimit)
    throw PlatformError.invalid(`limit must be an integer from 1 to ${bounds.maxLimit}.`, 'limit');
  const start = q.start ?? '';
  if (start !== '' && (start.length > MAX_PAGE_TOKEN_CHARS || !TOKEN_CHARS.test(start))) throw badStart();
  return { limit, start };
}

/** The paging fields every list response message carries (`next_start`, `total_count`, `limit`). */
export function pageInfo(page: Page<unknown>): { nextStart: string; totalCount: number; limit: number } {
  return { nextStart: page.nextStart, totalCount: page.totalCount, limit: page.limit };
}

/** A page read back from a list response message, its items mapped to what the caller serves. */
export function pageFrom<T>(info: { nextStart: string; totalCount: number; limit: number }, items: T[]): Page<T> {
  return { items, nextStart: info.nextStart, totalCount: info.totalCount, limit: info.limit };
}
