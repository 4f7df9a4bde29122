import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSchema } from '@platform/common';
import { createTestDatabase } from '@platform/test-fixtures';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashedEmbedding } from '../testing/hashed-embedding';
import { RetrievalIndex, VectorIndex, loadVectorIndexSettings, retrievalMigration, type IndexedChunk } from './index';

const SCHEMA = 'retrieval_in_switch_spec';
let db: DataSource;
let dir: string;
let vectors: VectorIndex;
let index: RetrievalIndex;

const chunks = (...texts: string[]): IndexedChunk[] => texts.map((text) => ({ text, vector: hashedEmbedding(text) }));
const owners = async (projectId: string) =>
  (await db.query(`SELECT document_id, version FROM ${SCHEMA}.owners WHERE project_id = $1 ORDER BY document_id`, [projectId])) as {
    document_id: string;
    version: string;
  }[];

beforeAll(async () => {
  const url = await createTestDatabase('retrieval_in_switch');
  await ensureSchema(url, SCHEMA);
  db = new DataSource({ type: 'postgres', url, schema: SCHEMA, migrations: [retrievalMigration(SCHEMA)], migrationsRun: true });
  await db.initialize();
  // A caller's own table, as a service keeps one row per document beside the index.
  await db.query(`CREATE TABLE ${SCHEMA}.owners (project_id text, document_id text, version text, PRIMARY KEY (project_id, document_id))`);
  dir = mkdtempSync(join(tmpdir(), 'retrieval-in-switch-'));
  vectors = await VectorIndex.connect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: dir }));
  index = new RetrievalIndex({ db, schema: SCHEMA, vectors });
});

afterAll(async () => {
  vectors?.close();
  await db?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('RetrievalIndex: the caller’s writes in the switch transaction', () => {
  it('commit with the switch, and a throw rolls the switch back: the old version stays searchable and its row unchanged', async () => {
    const projectId = randomUUID();
    const doc = { projectId, collection: 'bank', documentId: 'guide' };
    const upsert = (version: string) => async (m: { query(sql: string, params: unknown[]): Promise<unknown> }, generation: string) => {
      expect(generation).toMatch(/^[0-9a-f-]{36}$/);
      await m.query(
        `INSERT INTO ${SCHEMA}.owners VALUES ($1, $2, $3) ON CONFLICT (project_id, document_id) DO UPDATE SET version = EXCLUDED.version`,
        [projectId, 'guide', version],
      );
    };
    await index.replaceDocument(doc, chunks('Pelicans nest by the lake.'), { inSwitch: upsert('v1') });
    expect(await owners(projectId)).toEqual([{ document_id: 'guide', version: 'v1' }]);

    const failing = async (m: { query(sql: string, params: unknown[]): Promise<unknown> }, generation: string) => {
      await upsert('v2')(m, generation);
      throw new Error('the bank was dropped meanwhile');
    };
    await expect(index.replaceDocument(doc, chunks('Herons fish in the river.'), { inSwitch: failing })).rejects.toThrow(/dropped/);
    expect(await owners(projectId)).toEqual([{ document_id: 'guide', version: 'v1' }]);
    const search = (query: string, mode: 'hybrid' | 'keyword' = 'hybrid') =>
      index.search({ projectId, collections: ['bank'], query, vector: hashedEmbedding(query), topK: 5, mode });
    expect((await search('pelicans nest')).map((h) => h.text)).toEqual(['Pelicans nest by the lake.']);
    expect(await search('herons river', 'keyword')).toEqual([]);
    // The abandoned generation's vectors went with it: only v1's one chunk is left.
    expect(await vectors.countRows(projectId)).toBe(1);

    await expect(
      index.deleteDocument(doc, {
        inSwitch: async () => {
          throw new Error('refused');
        },
      }),
    ).rejects.toThrow('refused');
    expect((await search('pelicans nest')).length).toBe(1);
    expect(
      await index.deleteDocument(doc, {
        inSwitch: async (m) => void (await m.query(`DELETE FROM ${SCHEMA}.owners WHERE project_id = $1`, [projectId])),
      }),
    ).toBe(true);
    expect(await owners(projectId)).toEqual([]);
    expect(await search('pelicans nest')).toEqual([]);
  });
});
