import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { connectGrpcService, type GrpcServiceClient, type RunningGrpcService } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { documentsV1 } from '@platform/contracts';
import { decodeEvent, type EventEnvelope } from '@platform/events';
import { freePort } from '@platform/infra';
import { S3ObjectStore, type ObjectStore } from '@platform/object-store';
import { createTestDatabase, docxDocument, pdfDocument, startServiceProcess, waitFor, type ServiceProcess } from '@platform/test-fixtures';
import { Client } from 'pg';
import { firstValueFrom, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDocumentsService } from '../main';
import { pictureWithTextPdf, scannedSentences, wordAccuracy } from '../testing/scanned-pages';

const tag = randomBytes(4).toString('hex');
const projectId = randomUUID();
const otherProject = randomUUID();
const EVENTS = `d${tag}.events`;
const SENTENCES = [
  'The quick brown fox jumps over the lazy dog beside a quiet river bank',
  'Seven large pelicans rested on the warm sand near the harbor wall',
  'A careful painter mixed blue and yellow to make a bright green field',
  'Morning trains leave the northern station every twenty minutes',
  'The library opens early on Mondays and closes late on Fridays',
  'Fresh bread and cheese were sold at the market until noon',
];

let databaseUrl: string;
let env: NodeJS.ProcessEnv;
let workerTmp: string;
let store: ObjectStore;
let nc: NatsConnection;
let events: Subscription;
const seen: EventEnvelope[] = [];
let service: RunningGrpcService;
let client: GrpcServiceClient<documentsV1.DocumentServiceClient>;
const workers: ServiceProcess[] = [];

const file = (path: string, project = projectId) => `projects/${project}/assets/${path}`;
const put = (path: string, body: Buffer | string) => store.put(file(path), Buffer.isBuffer(body) ? body : Buffer.from(body));
const call = <T>(o: Observable<T>) => firstValueFrom(o);
const ref = (path: string) => ({ type: 'container', location: { path } });

const api = {
  create: (entity: object, project = projectId) =>
    call(
      client.service.createExtraction({
        projectId: project,
        spaceId: '',
        name: 'spec',
        createdBy: 'tester',
        requestJson: JSON.stringify(entity),
      }),
    ).then((r) => r.extraction!),
  get: (id: string, project = projectId) =>
    call(client.service.getExtraction({ projectId: project, spaceId: '', id })).then((r) => r.extraction!),
  list: (start = '', limit = 0) => call(client.service.listExtractions({ projectId, spaceId: '', start, limit })),
  delete: (id: string, hardDelete = false) => call(client.service.deleteExtraction({ projectId, spaceId: '', id, hardDelete })),
};

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out.sort();
}

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const FINAL = ['completed', 'failed'];
const finished = async (id: string, timeoutMs = 120_000): Promise<documentsV1.Extraction> => {
  let last: documentsV1.Extraction | undefined;
  await waitFor(
    async () => {
      last = await api.get(id);
      return FINAL.includes(last.results!.status);
    },
    timeoutMs,
    100,
  );
  return last!;
};

/** The statuses the job announced, in order, one entry per change. */
const statusesOf = (id: string): string[] =>
  seen
    .filter((e) => (e.data as { extractionId?: string }).extractionId === id)
    .map((e) => (e.data as { status: string }).status)
    .filter((s, i, all) => i === 0 || all[i - 1] !== s);

async function startWorker(): Promise<ServiceProcess> {
  const opsPort = await freePort();
  const worker = await startServiceProcess(
    'documents',
    {
      ...env,
      // A worker killed mid-OCR (below) leaves its page images behind, as the launcher's processes do in their own
      // TMPDIR: here they go with the spec.
      TMPDIR: workerTmp,
      PLATFORM_DOCUMENTS_EXTRACTION_WORKERS: '1',
      PLATFORM_DOCUMENTS_GRPC_URL: `127.0.0.1:${await freePort()}`,
      PLATFORM_DOCUMENTS_OPS_PORT: String(opsPort),
    },
    opsPort,
    { timeoutMs: 120_000 },
  );
  workers.push(worker);
  return worker;
}

beforeAll(async () => {
  workerTmp = mkdtempSync(join(tmpdir(), 'documents-workers-'));
  const s3 = inject('s3');
  databaseUrl = await createTestDatabase('documents');
  store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
  env = {
    DATABASE_URL: databaseUrl,
    NATS_URL: inject('natsUrl'),
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_EVENTS_PREFIX: EVENTS,
    PLATFORM_EVENTS_STREAM: `DOCUMENTS_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_DOCUMENTS_JOBS_PREFIX: `d${tag}.jobs`,
    PLATFORM_DOCUMENTS_JOBS_STREAM: `DOCUMENTS_JOBS_${tag.toUpperCase()}`,
    PLATFORM_DOCUMENTS_DURABLE_PREFIX: `documents_${tag}`,
    PLATFORM_DOCUMENTS_LEASE_MS: '3000',
    PLATFORM_DOCUMENTS_HEARTBEAT_MS: '200',
    PLATFORM_DOCUMENTS_JOB_ACK_WAIT_MS: '3000',
    PLATFORM_DOCUMENTS_RETENTION_SWEEP_MS: '1000',
  };
  nc = await connect({ servers: inject('natsUrl') });
  events = nc.subscribe(`${EVENTS}.documents.extraction.>`, {
    callback: (err, msg) => {
      if (!err) seen.push(decodeEvent(msg.data));
    },
  });
  // The API here, without a worker; the workers are processes of their own (one is killed mid-job below).
  Object.assign(process.env, env, { PLATFORM_DOCUMENTS_EXTRACTION_WORKERS: '0' });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  service = await startDocumentsService({ grpcUrl, opsPort: await freePort() });
  client = connectGrpcService('documents', documentsV1.DOCUMENT_SERVICE_NAME, { url: grpcUrl });
  await startWorker();
}, 240_000);

afterAll(async () => {
  client?.close();
  events?.unsubscribe();
  await nc?.close();
  await Promise.allSettled(workers.map((w) => w.stop()));
  await service?.close();
  await store?.deletePrefix(`projects/${projectId}/`).catch(() => undefined);
  if (workerTmp) rmSync(workerTmp, { recursive: true, force: true });
});

describe('text extractions on PostgreSQL, NATS and S3', () => {
  it('refuses bad references and settings with INVALID_ARGUMENT naming the field, and queues nothing', async () => {
    await put('bad/doc.txt', 'Some text.');
    await put('bad/notes.xyz', 'Plain words.');
    const good = { document_reference: ref('bad/doc.txt'), results_reference: ref('bad/out.json') };
    const cases: [object, string, RegExp][] = [
      [
        { ...good, document_reference: { type: 'connection_asset', connection: { id: randomUUID() }, location: { file_name: 'doc.txt' } } },
        'document_reference.type',
        /use type "container"/,
      ],
      [
        { ...good, document_reference: { type: 'fs', location: { path: `/projects/${otherProject}/assets/doc.txt` } } },
        'document_reference.location.path',
        /must lie in the storage of project/,
      ],
      [{ ...good, document_reference: ref('bad/../../x.txt') }, 'document_reference.location.path', /"\." or "\.\." segments/],
      [{ ...good, document_reference: ref('bad/missing.pdf') }, 'document_reference', /no file at "bad\/missing\.pdf"/],
      [{ ...good, document_reference: ref('bad/') }, 'document_reference.location.path', /must name a file/],
      [
        { ...good, document_reference: ref('bad/notes.xyz') },
        'document_reference',
        /"bad\/notes\.xyz": .*extension \.xyz, which is not a supported document type/,
      ],
      [{ document_reference: ref('bad/doc.txt') }, 'results_reference', /required/],
      [{ ...good, results_reference: ref('bad/doc.txt'), assembly_md: {} }, 'results_reference', /must not name the document/],
      [{ ...good, results_reference: { type: 's3', location: { bucket: 'other', path: 'x' } } }, 'results_reference.type', /not supported/],
      [{ ...good, parameters: { output_dpi: 10 } }, 'parameters.output_dpi', /72 to 600/],
      [{ ...good, parameters: { requested_outputs: ['md', 'pdf'] } }, 'parameters.requested_outputs[1]', /one of/],
      [{ ...good, parameters: { ocr_mode: 'sometimes' } }, 'parameters.ocr_mode', /disabled, enabled, forced/],
      [{ ...good, parameters: { languages: ['english'] } }, 'parameters.languages[0]', /language/],
      [{ ...good, steps: { ocr: { languages_list: ['en'] } }, parameters: { ocr_mode: 'disabled' } }, 'parameters.ocr_mode', /steps\.ocr/],
      [
        { ...good, parameters: { create_embedded_images: 'always' } },
        'parameters.create_embedded_images',
        /disabled, enabled_placeholder, enabled_text/,
      ],
    ];
    for (const [entity, field, message] of cases) {
      const f = await grpcRefusal(api.create(entity));
      expect({ entity, code: f.code, field: f.field }).toEqual({ entity, code: GrpcStatus.INVALID_ARGUMENT, field });
      expect(f.message).toMatch(message);
    }
    expect((await api.list()).totalCount).toBe(0);
    expect(await keys(file('bad/out'))).toEqual([]);
  });

  it('extracts a DOCX with a table into the assembly JSON with its cells, through every status in order', async () => {
    const docx = docxDocument({
      paragraphs: ['Fruit inventory', 'Counted on Monday.'],
      table: [
        ['Fruit', 'Count'],
        ['Apples', '3'],
        ['Pears', '5'],
      ],
    });
    await put('docs/inventory.docx', docx);
    const created = await api.create({
      document_reference: ref('docs/inventory.docx'),
      results_reference: ref('results/inventory.json'),
      assembly_json: {},
    });
    expect(created.results).toMatchObject({ status: 'submitted', numberPagesProcessed: 0 });
    const done = await finished(created.id);
    expect(done.results).toMatchObject({
      status: 'completed',
      numberPagesProcessed: 1,
      totalPages: 1,
      locations: ['results/inventory.json'],
    });
    expect(done.results!.completedAt).toBeInstanceOf(Date);
    const assembly = JSON.parse((await store.getBuffer(file('results/inventory.json'))).toString()) as {
      metadata: { media_type: string; total_pages: number };
      tables: { rows: number; columns: number; cells: { row: number; column: number; text: string; header: boolean }[] }[];
      structures: { type: string; text: string }[];
    };
    expect(assembly.metadata).toMatchObject({
      total_pages: 1,
      media_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(assembly.tables).toHaveLength(1);
    expect(assembly.tables[0]).toMatchObject({ rows: 3, columns: 2 });
    expect(assembly.tables[0].cells).toEqual(
      expect.arrayContaining([
        { row: 0, column: 0, text: 'Fruit', header: true },
        { row: 1, column: 0, text: 'Apples', header: false },
        { row: 2, column: 1, text: '5', header: false },
      ]),
    );
    expect(assembly.structures.map((s) => s.text)).toEqual(expect.arrayContaining(['Fruit inventory', 'Counted on Monday.']));
    await waitFor(() => statusesOf(created.id).at(-1) === 'completed', 10_000);
    expect(statusesOf(created.id)).toEqual(['submitted', 'uploading', 'running', 'downloading', 'downloaded', 'completed']);
  });

  it('reads a scanned PDF by OCR (word accuracy printed) and writes several outputs into the results directory', async () => {
    await put('docs/scan.pdf', scannedSentences(SENTENCES.slice(0, 1)));
    const created = await api.create({
      document_reference: ref('docs/scan.pdf'),
      results_reference: ref('results/scan'),
      steps: { ocr: { languages_list: ['en'] } },
      parameters: { requested_outputs: ['assembly', 'md', 'plain_text', 'page_images'], output_dpi: 72 },
    });
    const done = await finished(created.id);
    expect(done.results).toMatchObject({ status: 'completed', numberPagesProcessed: 1, totalPages: 1 });
    const written = await keys(file('results/scan/'));
    expect(written).toEqual(
      ['assembly.json', 'assembly.md', 'page_images/page_1.png', 'plain.txt'].map((name) => file(`results/scan/${name}`)),
    );
    expect([...done.results!.locations].sort()).toEqual(written.map((k) => k.slice(file('').length)));
    const text = (await store.getBuffer(file('results/scan/plain.txt'))).toString();
    const accuracy = wordAccuracy(SENTENCES[0], text);
    console.log(
      `OCR word accuracy of the scanned page through the documents service: ${accuracy.toFixed(2)} (${JSON.stringify(text.trim())})`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    const assembly = JSON.parse((await store.getBuffer(file('results/scan/assembly.json'))).toString()) as {
      metadata: { ocr_pages: number[] };
    };
    expect(assembly.metadata.ocr_pages).toEqual([1]);
    const png = await store.getBuffer(file('results/scan/page_images/page_1.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('marks the picture of a PDF page that has a text layer too, or gives its OCR text (create_embedded_images)', async () => {
    await put('docs/picture.pdf', pictureWithTextPdf(SENTENCES[1]));
    const structures = async (mode: string) => {
      const path = `results/picture-${mode}.json`;
      const x = await api.create({
        document_reference: ref('docs/picture.pdf'),
        results_reference: ref(path),
        parameters: { requested_outputs: ['assembly'], create_embedded_images: mode },
      });
      expect((await finished(x.id)).results!.status).toBe('completed');
      const assembly = JSON.parse((await store.getBuffer(file(path))).toString()) as { structures: { type: string; text: string }[] };
      return assembly.structures.filter((st) => st.type === 'picture').map((st) => st.text);
    };
    expect(await structures('disabled')).toEqual([]);
    expect(await structures('enabled_placeholder')).toEqual(['picture 1']);
    const [text] = await structures('enabled_text');
    expect(wordAccuracy(SENTENCES[1], text)).toBeGreaterThanOrEqual(0.8);
  });

  it('fails a document it cannot read with its code and a message naming it, writing nothing', async () => {
    await put('docs/locked.pdf', pdfDocument({ pages: [['Secret numbers.']], userPassword: 'pw' }));
    // No extension and no media type: told by its bytes when the job runs, and these are no document's.
    await put('docs/blob', Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 7, 8, 9]));
    const locked = await api.create({
      document_reference: ref('docs/locked.pdf'),
      results_reference: ref('results/locked.md'),
      assembly_md: {},
    });
    const odd = await api.create({
      document_reference: ref('docs/blob'),
      results_reference: ref('results/notes.md'),
      assembly_md: {},
    });
    expect((await finished(locked.id)).results).toMatchObject({
      status: 'failed',
      error: { code: 'encrypted', message: expect.stringContaining('"docs/locked.pdf"') },
    });
    expect((await finished(odd.id)).results).toMatchObject({
      status: 'failed',
      error: { code: 'unsupported_type', message: expect.stringContaining('"docs/blob"') },
    });
    // French OCR data is not installed here (only eng and osd): the platform's problem, named with its Debian package.
    await put('docs/scan-fr.pdf', scannedSentences(SENTENCES.slice(0, 1)));
    const french = await api.create({
      document_reference: ref('docs/scan-fr.pdf'),
      results_reference: ref('results/french.md'),
      assembly_md: {},
      parameters: { languages: ['fr'] },
    });
    expect((await finished(french.id)).results).toMatchObject({
      status: 'failed',
      error: { code: 'ocr_unavailable', message: expect.stringContaining('tesseract-ocr-fra') },
    });
    expect(await keys(file('results/french'))).toEqual([]);
    expect(await keys(file('results/locked'))).toEqual([]);
    expect(await keys(file('results/notes'))).toEqual([]);
  });

  it('a cancel stops a running job and deletes what it wrote; a delete of a completed one deletes its results, hard_delete the job', async () => {
    await put('docs/long-scan.pdf', scannedSentences(SENTENCES));
    const long = await api.create({
      document_reference: ref('docs/long-scan.pdf'),
      results_reference: ref('results/long/'),
      parameters: { requested_outputs: ['plain_text', 'page_images'], ocr_mode: 'forced' },
    });
    await waitFor(async () => (await api.get(long.id)).results!.numberPagesProcessed >= 1, 120_000, 50);
    await api.delete(long.id);
    expect((await api.get(long.id)).results).toMatchObject({ status: 'failed', error: { code: 'canceled' } });
    // The worker runs one job at a time: once the next one completed, the canceled one has stopped.
    await put('docs/after.txt', 'After the cancel.');
    const after = await api.create({
      document_reference: ref('docs/after.txt'),
      results_reference: ref('results/after.txt'),
      parameters: { requested_outputs: ['plain_text'] },
    });
    expect((await finished(after.id)).results!.status).toBe('completed');
    expect((await api.get(long.id)).results).toMatchObject({ status: 'failed', error: { code: 'canceled' } });
    expect(await keys(file('results/long/'))).toEqual([]);
    expect(statusesOf(long.id)).not.toContain('completed');

    expect(await store.exists(file('results/after.txt'))).toBe(true);
    await api.delete(after.id);
    expect(await store.exists(file('results/after.txt'))).toBe(false);
    expect((await api.get(after.id)).results).toMatchObject({ status: 'completed', locations: [] });
    await api.delete(after.id, true);
    expect(await grpcRefusal(api.get(after.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND, errorCode: 'text_extraction_not_found' });
    expect(await grpcRefusal(api.get(after.id, otherProject))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
  });

  it('a worker killed mid-job: another resumes the job once the lease lapsed and completes it', async () => {
    await put('docs/crash-scan.pdf', scannedSentences(SENTENCES));
    const job = await api.create({
      document_reference: ref('docs/crash-scan.pdf'),
      results_reference: ref('results/crash/'),
      parameters: { requested_outputs: ['plain_text', 'page_images'], ocr_mode: 'forced', output_dpi: 72 },
    });
    await waitFor(async () => (await api.get(job.id)).results!.numberPagesProcessed >= 1, 120_000, 50);
    const first = workers.shift()!;
    first.child.kill('SIGKILL');
    await first.stop();
    expect((await api.get(job.id)).results!.status).toBe('running');
    // What a worker that died while writing leaves: an object it recorded on the row before writing it.
    const leftover = file('results/crash/page_images/page_99.png');
    await store.put(leftover, Buffer.from('partial'));
    await sql(`UPDATE documents.text_extractions SET written_keys = $2 WHERE id = $1`, [job.id, JSON.stringify([leftover])]);
    await startWorker();
    const done = await finished(job.id, 180_000);
    expect(done.results).toMatchObject({ status: 'completed', numberPagesProcessed: SENTENCES.length, totalPages: SENTENCES.length });
    const [row] = await sql<{ attempts: number }>('SELECT attempts FROM documents.text_extractions WHERE id = $1', [job.id]);
    expect(row.attempts).toBe(2);
    expect(await keys(file('results/crash/'))).toEqual([
      ...SENTENCES.map((_, i) => file(`results/crash/page_images/page_${i + 1}.png`)),
      file('results/crash/plain.txt'),
    ]);
    const text = (await store.getBuffer(file('results/crash/plain.txt'))).toString();
    expect(wordAccuracy(SENTENCES.join(' '), text)).toBeGreaterThanOrEqual(0.8);
    // Its own waits (the first page, then the whole job after the crash) are longer than the default test timeout.
  }, 360_000);

  it('pages the list newest first; an extraction past the retention period is gone, and the sweep deletes its results', async () => {
    const all = await api.list();
    const first = await api.list('', 2);
    expect(first.extractions).toHaveLength(2);
    const second = await api.list(first.nextStart, 2);
    expect(second.extractions.map((x) => x.id)).toEqual(all.extractions.slice(2, 4).map((x) => x.id));
    expect(first.totalCount).toBe(all.totalCount);

    await put('docs/old.txt', 'An old document.');
    const old = await api.create({
      document_reference: ref('docs/old.txt'),
      results_reference: ref('results/old/'),
      parameters: { requested_outputs: ['md', 'plain_text'] },
    });
    expect((await finished(old.id)).results!.status).toBe('completed');
    // A later extraction writes one of the same files: that file is the later one's now.
    const later = await api.create({
      document_reference: ref('docs/old.txt'),
      results_reference: ref('results/old/assembly.md'),
      assembly_md: {},
    });
    expect((await finished(later.id)).results!.status).toBe('completed');
    expect(await keys(file('results/old/'))).toEqual([file('results/old/assembly.md'), file('results/old/plain.txt')]);
    await sql(`UPDATE documents.text_extractions SET created_at = now() - interval '49 hours' WHERE id = $1`, [old.id]);
    expect(await grpcRefusal(api.get(old.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND, errorCode: 'text_extraction_not_found' });
    expect((await api.list()).extractions.map((x) => x.id)).not.toContain(old.id);
    await waitFor(async () => (await sql('SELECT 1 FROM documents.text_extractions WHERE id = $1', [old.id])).length === 0, 15_000, 200);
    await waitFor(async () => (await keys(file('results/old/'))).length === 1, 15_000, 200);
    expect(await keys(file('results/old/'))).toEqual([file('results/old/assembly.md')]);
  });
});
