import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSchema, type PlatformError } from '@platform/common';
import { createTestDatabase } from '@platform/test-fixtures';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashedEmbedding } from '../testing/hashed-embedding';
import {
  RetrievalIndex,
  retrievalEntities,
  retrievalMigration,
  VectorIndex,
  loadVectorIndexSettings,
  type IndexedChunk,
  type VectorStore,
} from './index';

const SCHEMA = 'retrieval_spec';
let db: DataSource;
let dir: string;
let vectors: VectorIndex;
let index: RetrievalIndex;

const chunks = (...texts: string[]): IndexedChunk[] => texts.map((text, i) => ({ text, vector: hashedEmbedding(text), metadata: { i } }));

async function generationRows(projectId: string): Promise<{ document_id: string; state: string }[]> {
  return db.query(`SELECT document_id, state FROM ${SCHEMA}.retrieval_generations WHERE project_id = $1 ORDER BY document_id, state`, [
    projectId,
  ]);
}

beforeAll(async () => {
  const url = await createTestDatabase('retrieval');
  db = new DataSource({
    type: 'postgres',
    url,
    schema: SCHEMA,
    entities: retrievalEntities(SCHEMA),
    migrations: [retrievalMigration(SCHEMA)],
    migrationsRun: true,
    extra: { max: 4 },
  });
  await ensureSchema(url, SCHEMA);
  await db.initialize();
  dir = mkdtempSync(join(tmpdir(), 'retrieval-spec-'));
  vectors = await VectorIndex.connect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: dir }));
  index = new RetrievalIndex({ db, schema: SCHEMA, vectors });
});

afterAll(async () => {
  vectors?.close();
  await db?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('RetrievalIndex on PostgreSQL and LanceDB (local directory)', () => {
  it('indexes, replaces and deletes a document: searches see exactly its current version', async () => {
    const project = randomUUID();
    const doc = { projectId: project, collection: 'bank-1', documentId: 'guide' };
    await index.replaceDocument(doc, chunks('The gateway listens on port 8080.', 'Pelicans migrate across the lake in spring.'));
    const q = 'Which port does the gateway listen on?';
    const search = (mode: 'hybrid' | 'vector' | 'keyword', query = q) =>
      index.search({ projectId: project, collections: ['bank-1'], query, vector: hashedEmbedding(query), topK: 5, mode });
    for (const mode of ['hybrid', 'vector', 'keyword'] as const) {
      const [first] = await search(mode);
      expect(first).toMatchObject({ documentId: 'guide', chunkIndex: 0, text: 'The gateway listens on port 8080.', metadata: { i: 0 } });
    }
    expect(await vectors.countRows(project)).toBe(2);

    await index.replaceDocument(doc, chunks('Since version 2 the gateway listens on port 9090.'));
    const hits = await search('hybrid');
    expect(hits.map((h) => h.text)).toEqual(['Since version 2 the gateway listens on port 9090.']);
    expect(await search('keyword', 'pelicans')).toEqual([]);
    expect(await vectors.countRows(project)).toBe(1); // the replaced version's vectors are gone
    expect(await generationRows(project)).toEqual([{ document_id: 'guide', state: 'live' }]);

    expect(await index.deleteDocument(doc)).toBe(true);
    expect(await search('hybrid')).toEqual([]);
    expect(await search('vector')).toEqual([]);
    expect(await vectors.countRows(project)).toBe(0);
    expect(await generationRows(project)).toEqual([]);
    expect(await index.deleteDocument(doc)).toBe(false);
  });

  it('never finds one project’s chunks from another, even for the same collection and document ids', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await index.replaceDocument(
      { projectId: a, collection: 'shared-name', documentId: 'd' },
      chunks('Alpha project secret: the vault code is 4711.'),
    );
    await index.replaceDocument(
      { projectId: b, collection: 'shared-name', documentId: 'd' },
      chunks('Beta project notes about gardening.'),
    );
    const query = 'vault code secret';
    for (const mode of ['hybrid', 'vector', 'keyword'] as const) {
      const fromB = await index.search({
        projectId: b,
        collections: ['shared-name'],
        query,
        vector: hashedEmbedding(query),
        topK: 10,
        mode,
      });
      expect(fromB.map((h) => h.text)).not.toContain('Alpha project secret: the vault code is 4711.');
    }
    const fromA = await index.search({ projectId: a, collections: ['shared-name'], query, vector: hashedEmbedding(query), topK: 10 });
    expect(fromA.map((h) => h.text)).toEqual(['Alpha project secret: the vault code is 4711.']);
    // Ids are data in LanceDB's filter, never SQL: a quote is matched literally, an injection attempt finds nothing.
    await index.replaceDocument({ projectId: a, collection: "o'brien", documentId: "it's" }, chunks('Quoted collection about the vault.'));
    const quoted = await index.search({
      projectId: a,
      collections: ["o'brien"],
      query,
      vector: hashedEmbedding(query),
      topK: 10,
      mode: 'vector',
    });
    expect(quoted.map((h) => [h.collection, h.documentId])).toEqual([["o'brien", "it's"]]);
    const injected = await index.search({
      projectId: a,
      collections: ["x') OR (1=1"],
      query,
      vector: hashedEmbedding(query),
      topK: 10,
      mode: 'vector',
    });
    expect(injected).toEqual([]);
    // Collections of one project are kept apart too.
    expect(await index.search({ projectId: a, collections: ['other'], query, vector: hashedEmbedding(query), topK: 10 })).toEqual([]);
  });

  it('ranks by reciprocal rank fusion: a chunk both indexes rank well beats each one’s own favourite', async () => {
    const project = randomUUID();
    const query = 'lighthouse keeper';
    const qv = hashedEmbedding(query);
    // Vectors chosen by hand: "vectorOnly" is the query's own direction without the words; "both" is close with them;
    // "keywordOnly" has the words twice (keyword rank 1) and a far vector; fillers sit between.
    const far = qv.map((x, i) => (i % 2 ? -x : x * 0.1) + 0.05);
    const mix = (w: number) => qv.map((x, i) => w * x + (1 - w) * far[i]);
    await index.replaceDocument({ projectId: project, collection: 'c', documentId: 'vectorOnly' }, [
      { text: 'An unrelated sentence.', vector: qv },
    ]);
    await index.replaceDocument({ projectId: project, collection: 'c', documentId: 'both' }, [
      { text: 'The lighthouse keeper wrote daily.', vector: mix(0.9) },
    ]);
    await index.replaceDocument({ projectId: project, collection: 'c', documentId: 'keywordOnly' }, [
      { text: 'Lighthouse keeper, lighthouse keeper: a lighthouse keeper song.', vector: far },
    ]);
    for (let i = 0; i < 8; i++)
      await index.replaceDocument({ projectId: project, collection: 'c', documentId: `filler${i}` }, [
        { text: `Filler text ${i}.`, vector: mix(0.8 - i * 0.05) },
      ]);
    const ask = (mode: 'hybrid' | 'vector' | 'keyword') =>
      index.search({ projectId: project, collections: ['c'], query, vector: qv, topK: 3, mode });
    expect((await ask('vector')).map((h) => h.documentId)).toEqual(['vectorOnly', 'both', 'filler0']);
    expect((await ask('keyword')).map((h) => h.documentId)).toEqual(['keywordOnly', 'both']);
    const hybrid = await ask('hybrid');
    expect(hybrid[0]).toMatchObject({ documentId: 'both', vectorRank: 2, keywordRank: 2 });
    expect(hybrid[0].score).toBeCloseTo(2 / 62, 12);
    // keywordOnly is also in the (exact, 20 deep) vector list, far down: 1/61 + 1/(60 + its vector rank) > 1/61.
    expect(hybrid[1]).toMatchObject({ documentId: 'keywordOnly', keywordRank: 1 });
    expect(hybrid[1].vectorRank).toBeGreaterThan(3);
    expect(hybrid[2]).toMatchObject({ documentId: 'vectorOnly', vectorRank: 1, keywordRank: undefined });
  });

  it('leaves the previous version searchable and nothing of the new one when the vector write fails half-way', async () => {
    const project = randomUUID();
    const doc = { projectId: project, collection: 'c', documentId: 'manual' };
    await index.replaceDocument(doc, chunks('Version one explains the kettle.', 'Version one also covers the toaster.'));
    const failing: VectorStore = {
      search: (...a) => vectors.search(...a),
      deleteGenerations: (...a) => vectors.deleteGenerations(...a),
      deleteCollection: (...a) => vectors.deleteCollection(...a),
      optimize: (...a) => vectors.optimize(...a),
      // Writes half of the rows for real, then fails as a lost S3 connection would.
      add: async (projectId, rows) => {
        await vectors.add(projectId, rows.slice(0, Math.ceil(rows.length / 2)));
        throw new Error('injected: the vector store went away');
      },
    };
    const broken = new RetrievalIndex({ db, schema: SCHEMA, vectors: failing });
    await expect(
      broken.replaceDocument(doc, chunks('Version two: kettle.', 'Version two: toaster.', 'Version two: blender.', 'Version two: oven.')),
    ).rejects.toThrow(/injected/);
    for (const mode of ['hybrid', 'vector', 'keyword'] as const) {
      const query = 'version kettle toaster blender oven';
      const hits = await index.search({ projectId: project, collections: ['c'], query, vector: hashedEmbedding(query), topK: 10, mode });
      expect(hits.map((h) => h.text).sort()).toEqual(['Version one also covers the toaster.', 'Version one explains the kettle.']);
    }
    expect(await vectors.countRows(project)).toBe(2); // the half-written generation was removed
    expect(await generationRows(project)).toEqual([{ document_id: 'manual', state: 'live' }]);
  });

  it('switches concurrent replaces of one document one at a time: one version live, only its vectors kept', async () => {
    const project = randomUUID();
    const doc = { projectId: project, collection: 'c', documentId: 'hot' };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, w) =>
        index.replaceDocument(doc, chunks(...Array.from({ length: w + 1 }, (_, i) => `writer ${w} chunk ${i}`))),
      ),
    );
    const [live] = (await db.query(`SELECT generation, chunk_count FROM ${SCHEMA}.retrieval_generations WHERE project_id = $1`, [
      project,
    ])) as {
      generation: string;
      chunk_count: number;
    }[];
    expect(await generationRows(project)).toEqual([{ document_id: 'hot', state: 'live' }]);
    expect(results.map((r) => r.generation)).toContain(live.generation);
    expect(await vectors.countRows(project)).toBe(live.chunk_count);
    const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM ${SCHEMA}.retrieval_chunks WHERE project_id = $1`, [
      project,
    ])) as {
      count: number;
    }[];
    expect(count).toBe(live.chunk_count);
  });

  it('collects the vectors of a writer that died between registering and switching', async () => {
    const project = randomUUID();
    await index.replaceDocument({ projectId: project, collection: 'c', documentId: 'kept' }, chunks('kept text'));
    const dead = randomUUID();
    await db.query(
      `INSERT INTO ${SCHEMA}.retrieval_generations (generation, project_id, collection, document_id, state, updated_at)
       VALUES ($1, $2, 'c', 'ghost', 'pending', now() - interval '2 hours')`,
      [dead, project],
    );
    await vectors.add(project, [
      { collection: 'c', documentId: 'ghost', generation: dead, chunkIndex: 0, vector: hashedEmbedding('ghost') },
    ]);
    expect(await vectors.countRows(project)).toBe(2);
    expect(await index.collectGarbage(60 * 60_000)).toBeGreaterThanOrEqual(1);
    expect(await vectors.countRows(project)).toBe(1);
    expect(await generationRows(project)).toEqual([{ document_id: 'kept', state: 'live' }]);
  });

  it('deletes a whole collection and leaves the others', async () => {
    const project = randomUUID();
    await index.replaceDocument({ projectId: project, collection: 'gone', documentId: 'a' }, chunks('apples and pears'));
    await index.replaceDocument({ projectId: project, collection: 'gone', documentId: 'b' }, chunks('more apples'));
    await index.replaceDocument({ projectId: project, collection: 'stays', documentId: 'a' }, chunks('apples stay'));
    await index.deleteCollection(project, 'gone');
    const hits = await index.search({
      projectId: project,
      collections: ['gone', 'stays'],
      query: 'apples',
      vector: hashedEmbedding('apples'),
      topK: 5,
    });
    expect(hits.map((h) => [h.collection, h.text])).toEqual([['stays', 'apples stay']]);
    expect(await vectors.countRows(project)).toBe(1);
  });

  it('sees at once what another process (a second connection) wrote to a table it had already opened', async () => {
    const project = randomUUID();
    const replica = await VectorIndex.connect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: dir }));
    try {
      const other = new RetrievalIndex({ db, schema: SCHEMA, vectors: replica });
      await index.replaceDocument({ projectId: project, collection: 'c', documentId: 'first' }, chunks('first text about owls'));
      const query = 'owls and otters';
      const ask = () =>
        other.search({ projectId: project, collections: ['c'], query, vector: hashedEmbedding(query), topK: 5, mode: 'vector' });
      expect((await ask()).map((h) => h.documentId)).toEqual(['first']); // the replica has the table open now
      await index.replaceDocument({ projectId: project, collection: 'c', documentId: 'second' }, chunks('second text about otters'));
      expect((await ask()).map((h) => h.documentId).sort()).toEqual(['first', 'second']);
    } finally {
      replica.close();
    }
  });

  it('refuses a bad search naming the field: top_k, an over-long or empty query, a missing vector', async () => {
    const base = { projectId: randomUUID(), collections: ['c'], query: 'q', vector: hashedEmbedding('q'), topK: 5 };
    const failure = (req: Partial<typeof base> & { mode?: 'hybrid' | 'vector' | 'keyword' }) =>
      index.search({ ...base, ...req }).catch((e: unknown) => e as PlatformError);
    expect(await failure({ topK: 0 })).toMatchObject({ code: 'invalid_request', target: { name: 'top_k' } });
    expect(await failure({ topK: 101 })).toMatchObject({ target: { name: 'top_k' } });
    expect(await failure({ query: 'x'.repeat(2001) })).toMatchObject({ target: { name: 'query' } });
    expect(await failure({ query: '  ' })).toMatchObject({ target: { name: 'query' } });
    expect(await failure({ vector: undefined })).toMatchObject({ target: { name: 'vector' } });
    // websearch syntax of any kind is valid text, never a PostgreSQL syntax error.
    expect(await index.search({ ...base, query: '"unclosed -( or & | !:*', mode: 'keyword' })).toEqual([]);
  });
});

describe('VectorIndex on the platform S3 test server', () => {
  it('stores, searches and deletes a project’s vectors under s3://bucket/prefix', async () => {
    const s3 = inject('s3');
    const prefix = `retrieval-spec-${randomUUID()}`;
    const settings = loadVectorIndexSettings({
      PLATFORM_VECTOR_INDEX_URI: `s3://${s3.bucket}/${prefix}`,
      PLATFORM_S3_ENDPOINT: s3.endpoint,
      PLATFORM_S3_ACCESS_KEY: s3.accessKey,
      PLATFORM_S3_SECRET_KEY: s3.secretKey,
    });
    const remote = await VectorIndex.connect(settings);
    try {
      const s3Index = new RetrievalIndex({ db, schema: SCHEMA, vectors: remote });
      const project = randomUUID();
      const doc = { projectId: project, collection: 'c', documentId: 'd' };
      await s3Index.replaceDocument(doc, chunks('Object storage keeps the vectors.', 'Buckets hold objects.'));
      await s3Index.replaceDocument(doc, chunks('Object storage keeps the vectors, version two.'));
      const query = 'where are the vectors kept';
      const hits = await s3Index.search({
        projectId: project,
        collections: ['c'],
        query,
        vector: hashedEmbedding(query),
        topK: 3,
        mode: 'vector',
      });
      expect(hits.map((h) => h.text)).toEqual(['Object storage keeps the vectors, version two.']);
      expect(await remote.countRows(project)).toBe(1);
      await s3Index.deleteDocument(doc);
      expect(await remote.countRows(project)).toBe(0);
    } finally {
      remote.close();
    }
  });
});
