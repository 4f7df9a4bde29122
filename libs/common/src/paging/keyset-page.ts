import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { LOWERCASE_UUID } from '../validation/instructlab-fields';
import { decodePageToken, encodePageToken } from './page-token';
import type { Page, PageRequest } from './page-request';

/** The column types a list can be ordered by; each knows how to write its key as exact text and check it back. */
export type KeyKind = 'timestamptz' | 'uuid' | 'text';

export interface KeyColumn {
  /** The column as the query builder names it, e.g. `t.created_at`. */
  column: string;
  kind: KeyKind;
}

/** A total order: the last column must be unique (the id), so no two rows share a key. */
export interface KeysetOrder {
  keys: readonly KeyColumn[];
  direction: 'ASC' | 'DESC';
}

/** The order of the platform's resource lists: by `created_at`, ties broken by the uuid `id`. */
export const NEWEST_FIRST = (alias: string): KeysetOrder => ({ keys: createdThenId(alias), direction: 'DESC' });
export const OLDEST_FIRST = (alias: string): KeysetOrder => ({ keys: createdThenId(alias), direction: 'ASC' });

function createdThenId(alias: string): KeyColumn[] {
  return [
    { column: `${alias}.created_at`, kind: 'timestamptz' },
    { column: `${alias}.id`, kind: 'uuid' },
  ];
}

/** Years 0001-9999: JavaScript also reads year 0000, which PostgreSQL refuses (22008). */
const UTC_MICROS = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Microseconds, as PostgreSQL stores them: a JavaScript Date would round to milliseconds and skip or repeat rows. */
const KINDS: Record<KeyKind, { text: (column: string) => string; accepts: (key: string) => boolean }> = {
  timestamptz: {
    text: (c) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    accepts: (k) => UTC_MICROS.test(k) && !Number.isNaN(Date.parse(k)) && new Date(k).toISOString().slice(0, 19) === k.slice(0, 19),
  },
  uuid: { text: (c) => `${c}::text`, accepts: (k) => LOWERCASE_UUID.test(k) },
  text: { text: (c) => `${c}::text`, accepts: (k) => k.length <= 256 },
};

/**
 * One page of `qb` in keyset order: the rows after the token's key, `limit` of them, with the total the filters
 * match. Rows created or deleted while a caller walks the pages neither shift nor repeat the ones still to come.
 */
export async function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  order: KeysetOrder,
  page: PageRequest,
): Promise<Page<T>> {
  const totalCount = await qb.clone().getCount();
  const q = qb.clone();
  if (page.start) {
    const after = decodePageToken(
      page.start,
      order.keys.map((k) => KINDS[k.kind].accepts),
    );
    const columns = order.keys.map((k) => k.column).join(', ');
    const values = order.keys.map((k, i) => `CAST(:page_after_${i} AS ${k.kind})`).join(', ');
    const params = Object.fromEntries(after.map((key, i) => [`page_after_${i}`, key]));
    q.andWhere(`(${columns}) ${order.direction === 'DESC' ? '<' : '>'} (${values})`, params);
  }
  order.keys.forEach((k, i) => {
    if (i === 0) q.orderBy(k.column, order.direction);
    else q.addOrderBy(k.column, order.direction);
    q.addSelect(KINDS[k.kind].text(k.column), `page_key_${i}`);
  });
  // One row more than asked tells whether a next page exists without a second query.
  const { entities, raw } = await q.limit(page.limit + 1).getRawAndEntities<Record<string, string>>();
  const items = entities.slice(0, page.limit);
  const last = raw[page.limit - 1];
  const nextStart = entities.length > page.limit && last ? encodePageToken(order.keys.map((_, i) => last[`page_key_${i}`])) : '';
  return { items, totalCount, limit: page.limit, nextStart };
}
