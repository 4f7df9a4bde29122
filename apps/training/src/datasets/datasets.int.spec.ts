import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, unary } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { trainingV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import type { ObjectStore } from '@platform/object-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTrainingService } from '../main';
import { createDatabase, objectStoreOf, seedDataJob, specEnv, startServiceChild, type ServiceChild } from '../testing/training-fixture';
import { testRecords, toJsonl } from '../testing/records';
import { datasetRowsKey, readDatasetRows, stageDatasetRows } from './dataset-rows';
import { MAX_DATASET_BYTES } from './dataset-settings';

const tag = randomBytes(4).toString('hex');
const projectId = randomUUID();
const otherProject = randomUUID();
/** Never resolved or fetched: URLs on this origin are read from the bucket by their path. */
const PLATFORM = 'http://platform.test:8080';

let store: ObjectStore;
let databaseUrl: string;
let sdg: ServiceChild;
let api: Awaited<ReturnType<typeof startTrainingService>>;
let client: ReturnType<typeof datasetsClient>;
let origin: Server;
/** The listed host (PLATFORM_DATASET_URL_HOSTS): 127.0.0.1:<port>; `localhost:<port>` is the same server, unlisted. */
let listed: string;
let unlisted: string;

const rows = [
  {
    messages: [
      { role: 'user', content: 'What colour is the sky?' },
      { role: 'assistant', content: 'Blue.' },
    ],
    score: 1,
  },
  {
    messages: [
      { role: 'user', content: 'What do cats say?' },
      { role: 'assistant', content: 'Meow.' },
    ],
    score: 0.5,
    note: 'kept',
  },
];
const jsonl = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const columns = { messages: 'dialog', score: 'number' };

function datasetsClient(url: string) {
  const c = connectGrpcService<trainingV1.TrainingServiceClient>('training', trainingV1.TRAINING_SERVICE_NAME, { url });
  return {
    create: (r: Partial<trainingV1.CreateDatasetRequest>) =>
      unary(c.service.createDataset({ projectId, id: randomUUID(), columns, contentUrl: '', metadataJson: '', createdBy: 'u', ...r })),
    get: (id: string, project = projectId) => unary(c.service.getDataset({ projectId: project, id })),
    delete: (id: string, project = projectId) => unary(c.service.deleteDataset({ projectId: project, id })),
    listModelJobs: () => unary(c.service.listModelJobs({ projectId, start: '', limit: 0 })),
    close: c.close,
  };
}

/** A refused create leaves no definition and no object behind. */
async function refusedWithoutTrace(r: Partial<trainingV1.CreateDatasetRequest>, message: RegExp, target = 'dataset.content_url') {
  const id = randomUUID();
  const err = await grpcRefusal(client.create({ ...r, id }));
  expect(err).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: target });
  expect(err.message).toMatch(message);
  expect((await grpcRefusal(client.get(id))).code).toBe(GrpcStatus.NOT_FOUND);
  expect(await store.head(`datasets/${projectId}/${id}/rows.jsonl`)).toBeNull();
  return err;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const stored = async (key: string) => (await store.getBuffer(key)).toString();

async function sdgRun(project: string, status = 'completed'): Promise<string> {
  const id = await seedDataJob(databaseUrl, { projectId: project, status });
  await store.put(`data/${id}/knowledge_train_msgs.jsonl`, Buffer.from(toJsonl(testRecords(1))));
  await store.put(`data/${id}/skills_train_msgs.jsonl`, Buffer.from(toJsonl(testRecords(2, 'Sure! '))));
  return id;
}

beforeAll(async () => {
  const infra = { databaseUrl: inject('databaseUrl'), natsUrl: inject('natsUrl'), s3: inject('s3') };
  databaseUrl = await createDatabase(infra.databaseUrl, `datasets_${tag}`);
  store = objectStoreOf(infra);
  // Another host's files: what a listed PLATFORM_DATASET_URL_HOSTS entry serves.
  origin = createServer((req, res) => {
    const here = `http://${req.headers.host}`;
    if (req.url === '/rows.jsonl') return res.writeHead(200, { 'content-type': 'application/jsonl' }).end(jsonl);
    if (req.url === '/auth')
      return res
        .writeHead(200)
        .end(JSON.stringify([{ authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null }]));
    if (req.url === '/moved') return res.writeHead(302, { location: `${here}/rows.jsonl` }).end();
    if (req.url === '/elsewhere')
      return res.writeHead(302, { location: `http://localhost:${(origin.address() as AddressInfo).port}/rows.jsonl` }).end();
    if (req.url === '/big') {
      // No content-length: the bound must hold while reading.
      res.writeHead(200, { 'content-type': 'application/jsonl' });
      const line = Buffer.from(`${JSON.stringify({ t: 'x'.repeat(1000) })}\n`);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_DATASET_BYTES + line.length) {
          sent += line.length;
          if (!res.write(line)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (req.url === '/slow') return; // never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  const port = (origin.address() as AddressInfo).port;
  listed = `http://127.0.0.1:${port}`;
  unlisted = `http://localhost:${port}`;
  const env = specEnv(infra, tag, databaseUrl, 'unused');
  sdg = await startServiceChild('sdg', env);
  Object.assign(process.env, env, {
    PLATFORM_SDG_GRPC_URL: sdg.grpcUrl,
    PLATFORM_TRAINING_WORKERS: '0',
    PLATFORM_PUBLIC_URL: PLATFORM,
    PLATFORM_DATASET_URL_HOSTS: `127.0.0.1:${port}`,
    PLATFORM_DATASET_FETCH_TIMEOUT_MS: '3000',
  });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  api = await startTrainingService({ grpcUrl, opsPort: await freePort() });
  client = datasetsClient(grpcUrl);
}, 180_000);

afterAll(async () => {
  client?.close();
  await api?.close();
  await sdg?.stop();
  origin?.closeAllConnections();
  await new Promise((r) => origin?.close(r));
});

describe('datasets', () => {
  it('copies data: rows (JSON and JSON Lines, base64 and percent-encoded) to datasets/<project>/<id>/rows.jsonl', async () => {
    const urls = [
      `data:application/json;base64,${b64(JSON.stringify(rows))}`,
      `data:application/json,${encodeURIComponent(JSON.stringify(rows))}`,
      `data:application/jsonl;base64,${b64(jsonl)}`,
      `data:application/x-ndjson,${encodeURIComponent(jsonl)}`,
    ];
    for (const contentUrl of urls) {
      const id = `set-${randomBytes(3).toString('hex')}`;
      const { dataset } = await client.create({ id, contentUrl, metadataJson: '{"source":"test","n":[1,null]}' });
      expect(dataset).toMatchObject({
        projectId,
        id,
        columns,
        contentUrl,
        rowCount: 2,
        objectKey: `datasets/${projectId}/${id}/rows.jsonl`,
        createdBy: 'u',
      });
      expect(JSON.parse(dataset!.metadataJson)).toEqual({ source: 'test', n: [1, null] });
      expect(await stored(dataset!.objectKey)).toBe(jsonl);
      expect((await client.get(id)).dataset).toEqual(dataset);
    }
  });

  it('reads a file of the project storage named by its /v2/asset_files URL', async () => {
    await store.put(`projects/${projectId}/assets/sets/train rows.json`, Buffer.from(JSON.stringify(rows)));
    const path = `${PLATFORM}/v2/asset_files/sets/train%20rows.json`;
    for (const contentUrl of [path, `${path}?project_id=${projectId}`]) {
      const { dataset } = await client.create({ contentUrl });
      expect(dataset!.rowCount).toBe(2);
      expect(await stored(dataset!.objectKey)).toBe(jsonl);
    }
    await refusedWithoutTrace({ contentUrl: `${path}?project_id=${otherProject}` }, /storage of project/);
    await refusedWithoutTrace({ contentUrl: `${path}?space_id=${otherProject}` }, /storage of project/);
    await refusedWithoutTrace({ contentUrl: `${PLATFORM}/v2/asset_files/sets/none.json` }, /has no file sets\/none.json/);
    await refusedWithoutTrace(
      { contentUrl: `${PLATFORM}/v2/asset_files/sets%2F..%2F..%2Fx.json` },
      /must not hold "\." or "\.\." segments/,
    );
    await refusedWithoutTrace({ contentUrl: `${PLATFORM}/v1/models` }, /no dataset source/);
  });

  it("takes a completed data generation run's skills conversations as a messages dialog column", async () => {
    const run = await sdgRun(projectId);
    const expected = toJsonl(testRecords(2, 'Sure! ').map((r) => ({ messages: r.messages })));
    for (const contentUrl of [`${PLATFORM}/v1/projects/${projectId}/data/${run}`, `${PLATFORM}/v1/data/${run}`]) {
      const { dataset } = await client.create({ contentUrl, columns: { messages: 'dialog' } });
      expect(dataset!.rowCount).toBe(14);
      expect(await stored(dataset!.objectKey)).toBe(expected);
    }
    const foreign = await sdgRun(otherProject);
    await refusedWithoutTrace({ contentUrl: `${PLATFORM}/v1/data/${foreign}`, columns: { messages: 'dialog' } }, /not found in project/);
    await refusedWithoutTrace(
      { contentUrl: `${PLATFORM}/v1/projects/${otherProject}/data/${foreign}`, columns: { messages: 'dialog' } },
      /of project .*the dataset's project/,
    );
    const running = await sdgRun(projectId, 'running');
    await refusedWithoutTrace({ contentUrl: `${PLATFORM}/v1/data/${running}`, columns: { messages: 'dialog' } }, /is running/);
    await refusedWithoutTrace(
      { contentUrl: `${PLATFORM}/v1/data/${run}`, columns: { messages: 'dialog', score: 'number' } },
      /row 1, column "score"/,
    );
  });

  it('fetches http(s) URLs of listed hosts only, without credentials, following redirects within the host', async () => {
    for (const contentUrl of [`${listed}/rows.jsonl`, `${listed}/moved`]) {
      const { dataset } = await client.create({ contentUrl });
      expect(await stored(dataset!.objectKey)).toBe(jsonl);
    }
    const auth = await client.create({ contentUrl: `${listed}/auth`, columns: {} });
    expect(await stored(auth.dataset!.objectKey)).toBe('{"authorization":null,"cookie":null}\n');
    await refusedWithoutTrace(
      { contentUrl: `${unlisted}/rows.jsonl` },
      /host localhost:\d+, which is not among the hosts .*PLATFORM_DATASET_URL_HOSTS/,
    );
    await refusedWithoutTrace({ contentUrl: `${listed}/elsewhere` }, /redirects to localhost:\d+/);
    await refusedWithoutTrace({ contentUrl: `${listed.replace('//', '//user:pw@')}/rows.jsonl` }, /credentials/);
    await refusedWithoutTrace({ contentUrl: `${listed}/missing` }, /answered HTTP 404/);
    await refusedWithoutTrace({ contentUrl: `${listed}/big` }, /more than 16 MiB/);
    await refusedWithoutTrace({ contentUrl: `${listed}/slow` }, /within 3000 ms/);
    await refusedWithoutTrace({ contentUrl: 'file:///etc/passwd' }, /file:\/\//);
    await refusedWithoutTrace({ contentUrl: 'ftp://example.org/rows.jsonl' }, /data: or http\(s\) URL/);
    await refusedWithoutTrace({ contentUrl: 'not a url' }, /must be a URL/);
  });

  it('refuses rows that do not match the columns, bad definitions and more than 16 MiB, naming the field', async () => {
    const mismatch = await refusedWithoutTrace(
      { contentUrl: `data:application/jsonl,${encodeURIComponent(jsonl)}`, columns: { messages: 'dialog', note: 'text', score: 'text' } },
      /^3 values do not match dataset.columns; the first: .*row 1, column "note" \(text\) is missing/,
    );
    expect(mismatch.issues).toEqual([
      expect.stringMatching(/row 1, column "note" \(text\) is missing/),
      expect.stringMatching(/row 1, column "score" \(text\) must be text \(a string\), got a number/),
      expect.stringMatching(/row 2, column "score" \(text\) must be text/),
    ]);
    await refusedWithoutTrace(
      { contentUrl: `data:application/json,${encodeURIComponent('[{"messages":"hi","score":1}]')}` },
      /row 1, column "messages" \(dialog\)/,
    );
    await refusedWithoutTrace({ contentUrl: `data:application/json,${encodeURIComponent('{"a":1}')}` }, /JSON array/);
    await refusedWithoutTrace({ contentUrl: `data:text/csv,a,b` }, /media type/);
    await refusedWithoutTrace(
      { contentUrl: `data:application/jsonl,${encodeURIComponent(jsonl)}`, columns: { messages: 'image' } },
      /must be one of/,
      'dataset.columns.messages',
    );
    await refusedWithoutTrace(
      { contentUrl: `data:application/jsonl,${encodeURIComponent(jsonl)}`, metadataJson: '[1]' },
      /JSON object/,
      'dataset.metadata',
    );
    await refusedWithoutTrace({ contentUrl: '' }, /is required/);
    const id = 'a/../b';
    expect(await grpcRefusal(client.create({ id, contentUrl: `data:application/jsonl,${encodeURIComponent(jsonl)}` }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'uuid',
    });
    // Past the limit by one byte, from project storage (a data: URL that size does not fit in one gRPC message).
    const line = `${JSON.stringify({ t: 'x'.repeat(1000) })}\n`;
    const big = Buffer.alloc(MAX_DATASET_BYTES + 1, ' ');
    big.write(line.repeat(Math.floor(MAX_DATASET_BYTES / line.length)));
    await store.put(`projects/${projectId}/assets/big.jsonl`, big);
    await refusedWithoutTrace({ contentUrl: `${PLATFORM}/v2/asset_files/big.jsonl`, columns: { t: 'text' } }, /more than 16 MiB/);
    const fits = big.subarray(0, MAX_DATASET_BYTES);
    await store.put(`projects/${projectId}/assets/fits.jsonl`, fits);
    const { dataset } = await client.create({ contentUrl: `${PLATFORM}/v2/asset_files/fits.jsonl`, columns: { t: 'text' } });
    expect(dataset!.rowCount).toBe(Math.floor(MAX_DATASET_BYTES / line.length));
  });

  it('keeps one dataset per id and project: a second create is ALREADY_EXISTS and leaves the first untouched', async () => {
    const id = `dup-${randomBytes(3).toString('hex')}`;
    const first = `data:application/jsonl,${encodeURIComponent(jsonl)}`;
    await client.create({ id, contentUrl: first });
    const other = `data:application/json,${encodeURIComponent(JSON.stringify([rows[0]]))}`;
    expect(await grpcRefusal(client.create({ id, contentUrl: other }))).toMatchObject({
      code: GrpcStatus.ALREADY_EXISTS,
      field: 'uuid',
    });
    expect((await client.get(id)).dataset).toMatchObject({ contentUrl: first, rowCount: 2 });
    expect(await stored(`datasets/${projectId}/${id}/rows.jsonl`)).toBe(jsonl);
    // The same id in another project is another dataset.
    expect((await client.create({ id, contentUrl: other, projectId: otherProject })).dataset).toMatchObject({
      projectId: otherProject,
      rowCount: 1,
    });
  });

  it('lets exactly one of several racing creates of one id win, and its rows are the stored ones', async () => {
    for (let round = 0; round < 3; round++) {
      const id = `race-${randomBytes(3).toString('hex')}`;
      const bodies = [1, 2, 3, 4].map((n) => Array.from({ length: n }, (_, i) => ({ ...rows[0], score: i })));
      const results = await Promise.allSettled(
        bodies.map((b) => client.create({ id, contentUrl: `data:application/json,${encodeURIComponent(JSON.stringify(b))}` })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: number }).code).toBe(GrpcStatus.ALREADY_EXISTS);
      const winner = (won[0] as PromiseFulfilledResult<trainingV1.CreateDatasetResponse>).value.dataset!;
      expect((await client.get(id)).dataset).toEqual(winner);
      expect((await stored(winner.objectKey)).trim().split('\n')).toHaveLength(winner.rowCount);
    }
  });

  it('gets and deletes by project and id: 404 otherwise, and delete removes the rows object', async () => {
    const id = `gone-${randomBytes(3).toString('hex')}`;
    const { dataset } = await client.create({ id, contentUrl: `data:application/jsonl,${encodeURIComponent(jsonl)}` });
    expect((await grpcRefusal(client.get(id, otherProject))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await grpcRefusal(client.delete(id, otherProject))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await grpcRefusal(client.get('no-such-set'))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await grpcRefusal(client.get('bad/id'))).field).toBe('dataset_id');
    await client.delete(id);
    expect(await store.head(dataset!.objectKey)).toBeNull();
    expect((await grpcRefusal(client.get(id))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await grpcRefusal(client.delete(id))).code).toBe(GrpcStatus.NOT_FOUND);
    // The id is free again.
    expect((await client.create({ id, contentUrl: `data:application/jsonl,${encodeURIComponent(jsonl)}` })).dataset!.rowCount).toBe(2);
  });

  it("stages a dataset's rows to a local file for the tunings worker, mapped and filtered by the caller", async () => {
    const id = `stage-${randomBytes(3).toString('hex')}`;
    const { dataset } = await client.create({ id, contentUrl: `data:application/jsonl,${encodeURIComponent(jsonl)}` });
    expect(dataset!.objectKey).toBe(datasetRowsKey(projectId, id));
    const read: unknown[] = [];
    for await (const row of readDatasetRows(store, dataset!)) read.push(row);
    expect(read).toEqual(rows);
    const dir = mkdtempSync(join(tmpdir(), 'datasets-stage-'));
    try {
      const path = join(dir, 'nested', 'train.jsonl');
      const written = await stageDatasetRows(store, dataset!, path, (row, i) => (i === 0 ? undefined : { messages: row.messages }));
      expect(written).toBe(1);
      expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify({ messages: rows[1].messages })}\n`);
      expect(await stageDatasetRows(store, dataset!, path)).toBe(2);
      expect(readFileSync(path, 'utf8')).toBe(jsonl);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shares the one TrainingService with the jobs controller: its methods still answer', async () => {
    expect((await client.listModelJobs()).modelJobs).toEqual([]);
  });
});
