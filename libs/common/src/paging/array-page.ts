import { decodePageToken, encodePageToken } from './page-token';
import type { Page, PageRequest } from './page-request';

const anyKey = (k: string) => k.length <= 256;

/**
 * One page of a list held in memory (the model catalog), ordered by a unique string key: the same tokens as the
 * lists paged in SQL, so a caller cannot tell them apart.
 */
export function arrayPage<T>(items: readonly T[], keyOf: (item: T) => string, page: PageRequest): Page<T> {
  const sorted = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const [after] = page.start ? decodePageToken(page.start, [anyKey]) : [];
  const rest = after === undefined ? sorted : sorted.filter((item) => compare(keyOf(item), after) > 0);
  const served = rest.slice(0, page.limit);
  const last = served[served.length - 1];
  return {
    items: served,
    totalCount: sorted.length,
    limit: page.limit,
    nextStart: rest.length > page.limit && last !== undefined ? encodePageToken([keyOf(last)]) : '',
  };
}

/** Code-point order, the same in every locale, so a token means the same position on every replica. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
