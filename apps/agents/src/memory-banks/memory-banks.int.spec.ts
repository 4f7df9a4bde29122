import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, type GrpcServiceClient, type RunningGrpcService } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { agentsV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { S3ObjectStore, type ObjectStore } from '@platform/object-store';
import { VectorIndex, loadVectorIndexSettings } from '@platform/retrieval';
import { createTestDatabase, pdfDocument, startStarterInference, type StarterInference } from '@platform/test-fixtures';
import { Client } from 'pg';
import { firstValueFrom, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAgentsService } from '../main';

const tag = randomBytes(4).toString('hex');
const PREFIX = `t${tag}/memory_banks/`;
const projectId = randomUUID();
const otherProject = randomUUID();
const MAX_BYTES = 64 * 1024;

let databaseUrl: string;
let vectorDir: string;
let store: ObjectStore;
let inference: StarterInference;
let service: RunningGrpcService;
let client: GrpcServiceClient<agentsV1.AgentServiceClient>;

const PELICANS =
  '# Pelicans\n\nPelicans migrate across the lake every spring. They nest on the small islands in the north.\n\n' +
  'A pelican catches fish by scooping them up with its throat pouch. Colonies can hold thousands of birds.\n';
const GATEWAY_HTML =
  '<html><body><h1>Gateway</h1><p>The gateway listens on port 8080 and forwards requests to the services.</p>' +
  '<table><tr><th>setting</th><th>default</th></tr><tr><td>PLATFORM_PORT</td><td>8080</td></tr></table></body></html>';
const REVENUE_PDF = pdfDocument({ pages: [['Quarterly revenue grew by twelve percent.', 'Costs of goods fell in the second quarter.']] });

const doc = (uuid: string, content: string | Buffer, mimeType: string, metadata: object = {}): agentsV1.MemoryBankDocument => ({
  uuid,
  content: Buffer.isBuffer(content) ? content : Buffer.from(content),
  mimeType,
  metadataJson: JSON.stringify(metadata),
});

const call = <T>(o: Observable<T>) => firstValueFrom(o);
const md = () => new Metadata();
const api = {
  create: (bankUuid: string, documents: agentsV1.MemoryBankDocument[], project = projectId) =>
    call(
      client.service.createMemoryBank({ projectId: project, bankUuid, bankName: `bank ${bankUuid}`, documents, createdBy: 'tester' }, md()),
    ).then((r) => r.bank as agentsV1.MemoryBank),
  list: (project = projectId) => call(client.service.listMemoryBanks({ projectId: project }, md())).then((r) => r.banks),
  drop: (bankUuid: string, project = projectId) => call(client.service.dropMemoryBank({ projectId: project, bankUuid }, md())),
  insert: (bankUuid: string, documents: agentsV1.MemoryBankDocument[]) =>
    call(client.service.insertDocuments({ projectId, bankUuid, documents }, md())).then((r) => r.chunksIndexed),
  update: (bankUuid: string, documents: agentsV1.MemoryBankDocument[]) =>
    call(client.service.updateDocuments({ projectId, bankUuid, documents }, md())).then((r) => r.chunksIndexed),
  delete: (bankUuid: string, documentUuids: string[]) => call(client.service.deleteDocuments({ projectId, bankUuid, documentUuids }, md())),
  get: (bankUuid: string, documentUuids: string[], project = projectId) =>
    call(client.service.getDocuments({ projectId: project, bankUuid, documentUuids }, md())).then((r) => r.documents),
  query: (bankUuids: string[], query: string, mode = '', topK = 0, project = projectId) =>
    call(client.service.queryMemoryBanks({ projectId: project, bankUuids, query, topK, mode }, md())).then((r) => r.chunks),
};

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

async function keys(prefix = PREFIX): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.list(prefix)) found.push(key);
  return found.sort();
}

/** Rows of the project's LanceDB table, read through a connection of the spec's own. */
async function vectorRows(project = projectId): Promise<number> {
  const vectors = await VectorIndex.connect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: vectorDir }));
  try {
    return await vectors.countRows(project);
  } finally {
    vectors.close();
  }
}

const generations = (state?: string) =>
  sql<{ n: number }>(`SELECT count(*)::int AS n FROM agents.retrieval_generations WHERE ($1::text IS NULL OR state = $1)`, [
    state ?? null,
  ]).then((r) => r[0].n);

beforeAll(async () => {
  const s3 = inject('s3');
  databaseUrl = await createTestDatabase('agents');
  vectorDir = mkdtempSync(join(tmpdir(), 'agents-vectors-'));
  store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
  inference = await startStarterInference();
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_VECTOR_INDEX_URI: vectorDir,
    PLATFORM_INFERENCE_GRPC_URL: inference.grpcUrl,
    PLATFORM_AGENTS_DOCUMENTS_PREFIX: PREFIX,
    PLATFORM_AGENTS_MAX_DOCUMENT_BYTES: String(MAX_BYTES),
    PLATFORM_AGENTS_CHUNK_TOKENS: '32',
    PLATFORM_AGENTS_CHUNK_OVERLAP_TOKENS: '8',
    PLATFORM_AGENTS_EMBED_BATCH: '4',
  });
  delete process.env.PLATFORM_AGENTS_EMBEDDING_MODEL;
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  service = await startAgentsService({ grpcUrl, opsPort: await freePort() });
  client = connectGrpcService('agents', agentsV1.AGENT_SERVICE_NAME, { url: grpcUrl, deadline: 'long' });
}, 300_000);

afterAll(async () => {
  client?.close();
  await service?.close();
  await inference?.stop();
  await store?.deletePrefix(`t${tag}/`).catch(() => undefined);
  if (vectorDir) rmSync(vectorDir, { recursive: true, force: true });
});

describe('memory banks on PostgreSQL, S3, LanceDB and the real inference service over the starter model', () => {
  it('creates a bank from Markdown, HTML, PDF and plain text, each chunked by the model’s tokenizer, embedded and indexed', async () => {
    const bank = await api.create('docs', [
      doc('pelicans', PELICANS, 'text/markdown', { title: 'Pelicans' }),
      doc('gateway', GATEWAY_HTML, 'text/html'),
      doc('revenue', REVENUE_PDF, 'application/pdf', { quarter: 2 }),
      doc('plain', 'Tea is brewed with water just off the boil.', 'text/plain'),
    ]);
    expect(bank).toMatchObject({ uuid: 'docs', name: 'bank docs', projectId, documentCount: 4 });
    // 32-token chunks: the Markdown document alone makes several.
    expect(bank.chunkCount).toBeGreaterThan(4);
    expect(await vectorRows()).toBe(bank.chunkCount);
    expect((await api.list()).map((b) => [b.uuid, b.documentCount, b.chunkCount])).toEqual([['docs', 4, bank.chunkCount]]);
    expect(await api.list(otherProject)).toEqual([]);

    const [pdf, md] = await api.get('docs', ['revenue', 'pelicans']);
    expect(Buffer.from(pdf.content).equals(REVENUE_PDF)).toBe(true);
    expect(pdf).toMatchObject({ uuid: 'revenue', mimeType: 'application/pdf', metadataJson: '{"quarter":2}' });
    expect(Buffer.from(md.content).toString()).toBe(PELICANS);
    const objects = await keys();
    expect(objects).toHaveLength(4);
    expect(objects.every((k) => k.startsWith(`${PREFIX}${projectId}/`))).toBe(true);

    // Keyword retrieval finds the one document holding the words; hybrid ranks it first as well.
    for (const [question, documentUuid] of [
      ['Where do pelicans nest?', 'pelicans'],
      ['Which port does the gateway listen on?', 'gateway'],
      ['How much did quarterly revenue grow?', 'revenue'],
    ] as const) {
      expect((await api.query(['docs'], question, 'keyword'))[0].documentUuid).toBe(documentUuid);
      expect((await api.query(['docs'], question))[0].documentUuid).toBe(documentUuid);
    }
    const [hit] = await api.query(['docs'], 'revenue grew', 'keyword', 1);
    expect(hit).toMatchObject({ bankUuid: 'docs', documentUuid: 'revenue', metadataJson: '{"quarter":2}' });
    expect(hit.text).toContain('Quarterly revenue grew by twelve percent.');
    // Vector retrieval: a chunk's own text is nearest to itself (cosine similarity 1).
    const all = await api.query(['docs'], 'pelicans', 'keyword', 100);
    const target = all[all.length - 1];
    const [nearest] = await api.query(['docs'], target.text, 'vector', 3);
    expect(nearest).toMatchObject({ documentUuid: target.documentUuid, chunkIndex: target.chunkIndex });
    expect(nearest.score).toBeCloseTo(1, 3);
    expect(await api.query(['docs'], 'pelicans', 'vector', 7)).toHaveLength(7);
  });

  it('keeps banks to their project: another project neither lists, reads, queries nor drops them', async () => {
    expect(await grpcRefusal(api.query(['docs'], 'pelicans', 'keyword', 5, otherProject))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'memory_bank_not_found',
      field: 'bank_uuids[0]',
    });
    expect((await grpcRefusal(api.get('docs', ['pelicans'], otherProject))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await grpcRefusal(api.drop('docs', otherProject))).code).toBe(GrpcStatus.NOT_FOUND);
    // The same bank_uuid in another project is another bank.
    const theirs = await api.create('docs', [doc('pelicans', 'Other pelicans live elsewhere.', 'text/plain')], otherProject);
    expect(theirs.documentCount).toBe(1);
    expect((await api.query(['docs'], 'pelicans', 'keyword', 100)).every((c) => !c.text.includes('elsewhere'))).toBe(true);
    expect((await api.query(['docs'], 'pelicans', 'keyword', 100, otherProject)).map((c) => c.text)).toEqual([
      'Other pelicans live elsewhere.',
    ]);
    await api.drop('docs', otherProject);
  });

  it('refuses bad requests with the field named and nothing written', async () => {
    expect(await grpcRefusal(api.create('docs', []))).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS, field: 'bank_uuid' });
    const before = { objects: await keys(), generations: await generations(), vectors: await vectorRows() };
    const bad = await grpcRefusal(
      api.create('bad', [
        doc('ok', 'A fine document.', 'text/plain'),
        doc('image', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png'),
        doc('broken', Buffer.from('%PDF-1.7\nthis is no pdf'), 'application/pdf'),
      ]),
    );
    expect(bad).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'documents[1]', fields: ['documents[1]', 'documents[2]'] });
    expect(bad.message).toMatch(/image\/png/);
    expect(
      await grpcRefusal(api.insert('docs', [doc('big', Buffer.alloc(MAX_BYTES + 1, 'a'), 'text/plain'), doc('x', 'x', 'text/plain', [])])),
    ).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, fields: ['documents[0]', 'documents[1].metadata'] });
    expect(await grpcRefusal(api.insert('docs', [{ ...doc('m', 'text', 'text/plain'), metadataJson: '[1]' }]))).toMatchObject({
      field: 'documents[0].metadata',
    });
    expect(await grpcRefusal(api.insert('docs', [doc('same', 'a', 'text/plain'), doc('same', 'b', 'text/plain')]))).toMatchObject({
      field: 'documents[1].uuid',
    });
    expect(await grpcRefusal(api.insert('nope', [doc('a', 'a', 'text/plain')]))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      field: 'bank_uuid',
    });
    expect(await grpcRefusal(api.update('docs', [doc('pelicans', 'new', 'text/plain'), doc('ghost', 'boo', 'text/plain')]))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'document_not_found',
      field: 'documents[1]',
    });
    expect(await grpcRefusal(api.query(['docs'], 'x', 'keyword', 101))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'top_k',
    });
    expect(await grpcRefusal(api.query(['docs'], 'x', 'fuzzy'))).toMatchObject({ field: 'mode' });
    expect(await grpcRefusal(api.delete('docs', ['pelicans', 'ghost']))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      field: 'document_uuids[1]',
    });
    expect(await api.list()).toHaveLength(1);
    expect({ objects: await keys(), generations: await generations(), vectors: await vectorRows() }).toEqual(before);
    expect((await api.get('docs', ['pelicans']))[0].content).toEqual(Buffer.from(PELICANS));
  });

  it('insert and update are idempotent per document: the chunks and the object are replaced whole', async () => {
    const chunks = await api.insert('docs', [doc('plain', 'Tea is brewed with water just off the boil.', 'text/plain')]);
    expect(chunks).toBe(1);
    const [bank] = await api.list();
    expect(bank.documentCount).toBe(4);
    expect(await keys()).toHaveLength(4);
    expect(await vectorRows()).toBe(bank.chunkCount);

    expect(await api.update('docs', [doc('plain', 'Coffee is brewed at ninety degrees.', 'text/plain', { v: 2 })])).toBe(1);
    expect(await api.query(['docs'], 'tea boil', 'keyword')).toEqual([]);
    expect((await api.query(['docs'], 'coffee', 'keyword'))[0]).toMatchObject({ documentUuid: 'plain', metadataJson: '{"v":2}' });
    expect(Buffer.from((await api.get('docs', ['plain']))[0].content).toString()).toBe('Coffee is brewed at ninety degrees.');
    expect(await keys()).toHaveLength(4);
    expect(await vectorRows()).toBe(bank.chunkCount);
    expect(await generations('live')).toBe(4);
    expect(await generations()).toBe(4);

    await api.delete('docs', ['plain']);
    expect(await api.query(['docs'], 'coffee', 'keyword')).toEqual([]);
    expect(await grpcRefusal(api.get('docs', ['plain']))).toMatchObject({ code: GrpcStatus.NOT_FOUND, field: 'document_uuids[0]' });
    expect(await keys()).toHaveLength(3);
    expect(await vectorRows()).toBe(bank.chunkCount - 1);
    expect((await api.list())[0].documentCount).toBe(3);
  });

  it('a write that fails after its vectors and object were written leaves the previous version whole and nothing of the new one', async () => {
    // A real failure inside the switch transaction, after the embedding, the object and the vectors: PostgreSQL refuses
    // the document row of this one version.
    await sql(`CREATE FUNCTION agents.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.metadata ? 'poison' THEN RAISE EXCEPTION 'poisoned version'; END IF; RETURN NEW; END $$`);
    await sql(`CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON agents.memory_bank_documents
      FOR EACH ROW EXECUTE FUNCTION agents.refuse_poison()`);
    try {
      const before = { objects: await keys(), vectors: await vectorRows() };
      const replaced = doc('pelicans', 'Flamingos stand on one leg in salty lagoons.', 'text/plain', { poison: true });
      expect((await grpcRefusal(api.insert('docs', [replaced]))).code).toBe(GrpcStatus.INTERNAL);
      expect((await api.query(['docs'], 'pelicans nest islands', 'keyword'))[0].documentUuid).toBe('pelicans');
      expect(await api.query(['docs'], 'flamingos lagoons', 'keyword')).toEqual([]);
      expect(Buffer.from((await api.get('docs', ['pelicans']))[0].content).toString()).toBe(PELICANS);
      expect({ objects: await keys(), vectors: await vectorRows() }).toEqual(before);
      expect(await generations('pending')).toBe(0);
    } finally {
      await sql('DROP TRIGGER refuse_poison ON agents.memory_bank_documents');
    }
  });

  it('drops a bank: its rows, objects and index entries', async () => {
    await api.create('scratch', [doc('s', 'Scratch notes about otters.', 'text/plain')]);
    expect((await api.query(['scratch', 'docs'], 'otters', 'keyword'))[0]).toMatchObject({ bankUuid: 'scratch' });
    const [{ id }] = await sql<{ id: string }>(`SELECT id FROM agents.memory_banks WHERE bank_uuid = 'scratch'`);
    const vectorsBefore = await vectorRows();
    await api.drop('scratch');
    expect(await sql(`SELECT 1 FROM agents.memory_bank_documents WHERE bank_id = $1`, [id])).toEqual([]);
    expect(await sql(`SELECT 1 FROM agents.retrieval_chunks WHERE collection = $1`, [id])).toEqual([]);
    expect(await sql(`SELECT 1 FROM agents.retrieval_generations WHERE collection = $1`, [id])).toEqual([]);
    expect(await keys(`${PREFIX}${projectId}/${id}/`)).toEqual([]);
    expect(await vectorRows()).toBe(vectorsBefore - 1);
    expect(await grpcRefusal(api.query(['scratch'], 'otters'))).toMatchObject({ code: GrpcStatus.NOT_FOUND, field: 'bank_uuids[0]' });
    // The bank_uuid is free again, for a bank that shares nothing with the dropped one.
    const again = await api.create('scratch', []);
    expect(again).toMatchObject({ documentCount: 0, chunkCount: 0 });
    await api.drop('scratch');
  });

  it('concurrent writes of one document leave exactly one version: its object, its row and its chunks', async () => {
    const versions = ['Walruses haul out on ice floes.', 'Seals bask on warm rocks.', 'Otters float holding paws.'];
    const results = await Promise.allSettled(versions.map((text) => api.insert('docs', [doc('race', text, 'text/plain')])));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const [bank] = await sql<{ id: string }>(`SELECT id FROM agents.memory_banks WHERE bank_uuid = 'docs' AND project_id = $1`, [
      projectId,
    ]);
    expect(await keys(`${PREFIX}${projectId}/${bank.id}/race/`)).toHaveLength(1);
    const stored = Buffer.from((await api.get('docs', ['race']))[0].content).toString();
    const found = await api.query(['docs'], 'walruses seals otters', 'keyword', 10);
    expect(found.filter((c) => c.documentUuid === 'race').map((c) => c.text)).toEqual([stored]);
    expect(await sql(`SELECT state FROM agents.retrieval_generations WHERE collection = $1 AND document_id = 'race'`, [bank.id])).toEqual([
      { state: 'live' },
    ]);
    await api.delete('docs', ['race']);
  });

  it('a drop racing an insert into the bank leaves nothing of the bank, whichever finishes first', async () => {
    await api.create('racing', [doc('first', 'Beavers build dams of branches and mud.', 'text/plain')]);
    const [{ id }] = await sql<{ id: string }>(`SELECT id FROM agents.memory_banks WHERE bank_uuid = 'racing'`);
    const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i} tells how beavers keep their lodge warm in winter.`).join(' ');
    // Both orders end the same: an insert switched in before the drop is dropped with the bank; one switching after it
    // finds no bank (NOT_FOUND) and removes its own object and vectors.
    const [inserted, dropped] = await Promise.allSettled([api.insert('racing', [doc('second', long, 'text/plain')]), api.drop('racing')]);
    expect(dropped.status).toBe('fulfilled');
    if (inserted.status === 'rejected') expect((inserted.reason as { code: number }).code).toBe(GrpcStatus.NOT_FOUND);
    expect(await sql(`SELECT 1 FROM agents.memory_bank_documents WHERE bank_id = $1`, [id])).toEqual([]);
    expect(await sql(`SELECT 1 FROM agents.retrieval_chunks WHERE collection = $1`, [id])).toEqual([]);
    expect(await sql(`SELECT state FROM agents.retrieval_generations WHERE collection = $1`, [id])).toEqual([]);
    expect(await keys(`${PREFIX}${projectId}/${id}/`)).toEqual([]);
  });

  it('with the inference service gone, an insert fails as unavailable and the previous version stays', async () => {
    const before = { objects: await keys(), vectors: await vectorRows(), generations: await generations() };
    await inference.stopInference();
    expect(await grpcRefusal(api.insert('docs', [doc('pelicans', 'Herons fish in the river.', 'text/plain')]))).toMatchObject({
      code: GrpcStatus.UNAVAILABLE,
      errorCode: 'service_unavailable',
    });
    expect((await api.query(['docs'], 'pelicans nest islands', 'keyword'))[0].documentUuid).toBe('pelicans');
    expect(Buffer.from((await api.get('docs', ['pelicans']))[0].content).toString()).toBe(PELICANS);
    expect({ objects: await keys(), vectors: await vectorRows(), generations: await generations() }).toEqual(before);
  });
});
