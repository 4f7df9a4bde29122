import { randomBytes, randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PlatformError } from '../errors/platform-error';
import { NEWEST_FIRST, OLDEST_FIRST, keysetPage, type KeysetOrder } from './keyset-page';
import { encodePageToken } from './page-token';

const schema = `paging_${randomBytes(4).toString('hex')}`;

@Entity({ name: 'items', schema })
class ItemEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) owner!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

const NEWEST = NEWEST_FIRST('i');

let ds: DataSource;
const query = () => ds.getRepository(ItemEntity).createQueryBuilder('i').where('i.owner = :owner', { owner: 'me' });

async function walk(order: KeysetOrder, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let start = '';
  for (let pages = 1; pages < 100; pages++) {
    const page = await keysetPage(query(), order, { limit, start });
    expect(page.totalCount).toBe(23);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((i) => i.id));
    if (!page.nextStart) return { ids, pages };
    start = page.nextStart;
  }
  throw new Error('the walk did not end');
}

beforeAll(async () => {
  ds = new DataSource({ type: 'postgres', url: inject('databaseUrl'), schema, entities: [ItemEntity], extra: { max: 2 } });
  await ds.initialize();
  await ds.query(`CREATE SCHEMA "${schema}"`);
  await ds.query(`CREATE TABLE "${schema}".items (id uuid PRIMARY KEY, owner text NOT NULL, created_at timestamptz NOT NULL)`);
  // Rows a microsecond apart, and several sharing one instant: a millisecond key would skip or repeat them.
  const base = Date.parse('2025-01-01T00:00:00Z') * 1000;
  const rows = Array.from({ length: 23 }, (_, n) => ({ id: randomUUID(), micros: base + Math.floor(n / 3) }));
  for (const r of rows) {
    await ds.query(`INSERT INTO "${schema}".items VALUES ($1, 'me', to_timestamp($2::double precision / 1000000))`, [r.id, r.micros]);
  }
  await ds.query(`INSERT INTO "${schema}".items VALUES ($1, 'someone else', now())`, [randomUUID()]);
});

afterAll(async () => {
  await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await ds?.destroy();
});

describe('keysetPage', () => {
  it('walks newest first across pages with no row lost or repeated', async () => {
    const expected = (
      await ds.query<{ id: string }[]>(`SELECT id FROM "${schema}".items WHERE owner = 'me' ORDER BY created_at DESC, id DESC`)
    ).map((r) => r.id);
    const { ids, pages } = await walk(NEWEST, 4);
    expect(pages).toBe(6);
    expect(ids).toEqual(expected);
  });

  it('walks oldest first the same way', async () => {
    const { ids } = await walk(OLDEST_FIRST('i'), 5);
    expect(new Set(ids).size).toBe(23);
    expect(ids).toEqual((await walk(NEWEST, 23)).ids.reverse());
  });

  it('gives one page and no next when everything fits', async () => {
    const page = await keysetPage(query(), NEWEST, { limit: 23, start: '' });
    expect(page.items).toHaveLength(23);
    expect(page.nextStart).toBe('');
  });

  it.each([
    ['a malformed timestamp', ['2025-02-31T00:00:00.000000Z', randomUUID()]],
    ['a timestamp in year 0, which JavaScript reads and PostgreSQL refuses', ['0000-01-01T00:00:00.000000Z', randomUUID()]],
    ['a key that is not a uuid', ['2025-01-01T00:00:00.000000Z', 'robert"); drop table items; --']],
    ['too few keys', ['2025-01-01T00:00:00.000000Z']],
  ])('refuses a forged token holding %s with 400 naming start, before SQL sees it', async (_what, keys) => {
    const err = await keysetPage(query(), NEWEST, { limit: 2, start: encodePageToken(keys) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as PlatformError).target).toEqual({ type: 'field', name: 'start' });
  });
});
