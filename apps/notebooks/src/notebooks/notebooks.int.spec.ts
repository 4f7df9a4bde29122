import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, type GrpcServiceClient, type RunningGrpcService } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { notebooksV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { S3ObjectStore, type ObjectStore } from '@platform/object-store';
import { createTestDatabase } from '@platform/test-fixtures';
import { Client } from 'pg';
import { firstValueFrom, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startNotebooksService } from '../main';

const tag = randomBytes(4).toString('hex');
const PREFIX = `t${tag}/notebooks/`;
const FILES = `t${tag}/project-files/`;
const projectId = randomUUID();
const otherProject = randomUUID();
const spaceId = randomUUID();

let databaseUrl: string;
let store: ObjectStore;
let service: RunningGrpcService;
let client: GrpcServiceClient<notebooksV1.NotebookServiceClient>;

/** An nbformat 4.5 notebook whose one code cell prints `text`. */
function ipynb(text: string, kernel = { name: 'python3', display_name: 'Python 3 (ipykernel)' }): Buffer {
  return Buffer.from(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: kernel, language_info: { name: 'python' } },
      cells: [
        { id: 'c1', cell_type: 'code', metadata: {}, source: [`print(${JSON.stringify(text)})`], outputs: [], execution_count: null },
      ],
    }),
  );
}

const call = <T>(o: Observable<T>) => firstValueFrom(o);
const md = () => new Metadata();
const inProject = { projectId, spaceId: '' };
const api = {
  create: (r: Partial<notebooksV1.CreateNotebookRequest>) =>
    call(
      client.service.createNotebook(
        {
          ...inProject,
          name: 'my notebook',
          description: 'this is my notebook',
          content: Buffer.alloc(0),
          fileReference: '',
          sourceNotebookId: '',
          runtimeJson: JSON.stringify({ environment: 'spark33py39', spark_monitoring_enabled: true }),
          kernelJson: '',
          originatesFromJson: '',
          tags: [],
          createdBy: 'IBMid-tester',
          ...r,
        },
        md(),
      ),
    ).then((res) => res.notebook as notebooksV1.Notebook),
  get: (id: string, container: { projectId?: string; spaceId?: string } = inProject) =>
    call(client.service.getNotebook({ projectId: '', spaceId: '', ...container, id }, md())).then(
      (r) => r.notebook as notebooksV1.Notebook,
    ),
  list: (ids: string[], container: { projectId?: string; spaceId?: string } = inProject) =>
    call(client.service.listNotebooks({ projectId: '', spaceId: '', ...container, notebookIds: ids }, md())).then((r) => r.notebooks),
  update: (r: Partial<notebooksV1.UpdateNotebookRequest> & { id: string }) =>
    call(
      client.service.updateNotebook(
        { ...inProject, kernelJson: '', content: Buffer.alloc(0), fileReference: '', updatedBy: 'u', ...r },
        md(),
      ),
    ).then((res) => res.notebook as notebooksV1.Notebook),
  delete: (id: string) => call(client.service.deleteNotebook({ ...inProject, id }, md())),
  revert: (id: string, versionId: string) =>
    call(client.service.revertNotebook({ ...inProject, id, versionId, updatedBy: 'u' }, md())).then(
      (r) => r.notebook as notebooksV1.Notebook,
    ),
  promote: (r: Partial<notebooksV1.PromoteNotebookRequest> & { id: string }) =>
    call(client.service.promoteNotebook({ projectId, spaceId, versionId: '', tags: [], createdBy: 'promoter', ...r }, md())).then(
      (res) => res.notebook as notebooksV1.Notebook,
    ),
  content: (id: string, versionId = '', container: { projectId?: string; spaceId?: string } = inProject) =>
    call(client.service.getNotebookContent({ projectId: '', spaceId: '', ...container, id, versionId }, md())).then((r) =>
      Buffer.from(r.content),
    ),
  version: (notebookId: string) =>
    call(client.service.createNotebookVersion({ ...inProject, notebookId, createdBy: 'IBMid-versioner' }, md())).then(
      (r) => r.version as notebooksV1.NotebookVersion,
    ),
  versions: (notebookId: string) => call(client.service.listNotebookVersions({ ...inProject, notebookId }, md())).then((r) => r.versions),
  getVersion: (notebookId: string, versionId: string) =>
    call(client.service.getNotebookVersion({ ...inProject, notebookId, versionId }, md())).then(
      (r) => r.version as notebooksV1.NotebookVersion,
    ),
  deleteVersion: (notebookId: string, versionId: string) =>
    call(client.service.deleteNotebookVersion({ ...inProject, notebookId, versionId }, md())),
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

async function keys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.list(prefix)) found.push(key);
  return found.sort();
}

const rowCount = async () => Number((await sql<{ n: string }>('SELECT count(*) AS n FROM notebooks.notebooks'))[0].n);

beforeAll(async () => {
  const s3 = inject('s3');
  databaseUrl = await createTestDatabase('notebooks');
  store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
  await store.put(`${FILES}notebook/my_notebook.ipynb`, ipynb('from storage'));
  await store.put(`${FILES}notebook/not-json.ipynb`, Buffer.from('{ "cells": [ '));
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_NOTEBOOKS_PREFIX: PREFIX,
    PLATFORM_NOTEBOOKS_MAX_BYTES: String(64 * 1024),
  });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  service = await startNotebooksService({ grpcUrl, opsPort: await freePort() });
  client = connectGrpcService('notebooks', notebooksV1.NOTEBOOK_SERVICE_NAME, { url: grpcUrl });
}, 120_000);

afterAll(async () => {
  client?.close();
  await service?.close();
  await store?.deletePrefix(`t${tag}/`).catch(() => undefined);
});

describe('CreateNotebook (POST /v2/notebooks)', () => {
  it('stores an uploaded .ipynb under the notebook’s prefix, with the kernel from its metadata and a blank origin', async () => {
    const bytes = ipynb('uploaded');
    const n = await api.create({ content: bytes });
    expect(n).toMatchObject({
      projectId,
      spaceId: '',
      name: 'my notebook',
      description: 'this is my notebook',
      ownerId: 'IBMid-tester',
      revision: 1,
      contentSize: bytes.length,
      revertedToVersionId: '',
    });
    expect(JSON.parse(n.kernelJson)).toEqual({ display_name: 'Python 3 (ipykernel)', name: 'python3', language: 'python' });
    expect(JSON.parse(n.runtimeJson)).toEqual({ environment: 'spark33py39', spark_monitoring_enabled: true });
    expect(JSON.parse(n.originatesFromJson)).toEqual({ type: 'blank' });
    expect(n.fileReference.startsWith(`${PREFIX}${n.id}/content/`)).toBe(true);
    expect(await store.getBuffer(n.fileReference)).toEqual(bytes);
    expect(await api.content(n.id)).toEqual(bytes);
    expect(await api.get(n.id)).toEqual(n);
    // Without a container the gateway learns where a notebook lives; in another project it does not exist.
    expect((await api.get(n.id, {})).projectId).toBe(projectId);
    expect(await grpcRefusal(api.get(n.id, { projectId: otherProject }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'notebook_not_found',
    });
  });

  it('creates from a file already in the storage, and the kernel the request names wins over the file’s', async () => {
    const kernel = { display_name: 'Python 3.9 with Spark', name: 'python39', language: 'python3' };
    const n = await api.create({ fileReference: `${FILES}notebook/my_notebook.ipynb`, kernelJson: JSON.stringify(kernel) });
    expect(JSON.parse(n.kernelJson)).toEqual(kernel);
    expect(await api.content(n.id)).toEqual(ipynb('from storage'));
    // A copy of its own: the storage file may change or go without touching the notebook.
    expect(n.fileReference).not.toBe(`${FILES}notebook/my_notebook.ipynb`);
  });

  it('refuses a path that climbs, names no file or the service’s own objects, with 400 naming file_reference', async () => {
    for (const fileReference of [
      `${FILES}../x.ipynb`,
      `/${FILES}notebook/my_notebook.ipynb`,
      `${FILES}a//b.ipynb`,
      `${FILES}missing.ipynb`,
      `${PREFIX}x.ipynb`,
    ])
      expect(await grpcRefusal(api.create({ fileReference }))).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: 'file_reference',
      });
    expect((await grpcRefusal(api.create({ fileReference: `${FILES}missing.ipynb` }))).message).toContain('names no file');
  });

  it('refuses content that is not JSON or not nbformat 4 (400 naming the problem and its path) and keeps neither row nor object', async () => {
    const rows = await rowCount();
    const objects = await keys(PREFIX);
    expect(await grpcRefusal(api.create({ fileReference: `${FILES}notebook/not-json.ipynb` }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      errorCode: 'invalid_notebook',
      field: 'file_reference',
      message: expect.stringMatching(/^The notebook is not JSON: /),
    });
    const noId = JSON.parse(ipynb('x').toString());
    delete noId.cells[0].id;
    expect(await grpcRefusal(api.create({ content: Buffer.from(JSON.stringify(noId)) }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'content',
      message: 'The notebook is not valid nbformat 4.5: /cells/0 is missing the required property "id".',
    });
    expect((await grpcRefusal(api.create({ content: Buffer.from(JSON.stringify({ ...noId, nbformat: 3 })) }))).message).toBe(
      'The notebook is not nbformat 4: /nbformat is 3.',
    );
    expect(await grpcRefusal(api.create({ content: Buffer.alloc(64 * 1024 + 1, 0x20) }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'content',
    });
    expect(await rowCount()).toBe(rows);
    expect(await keys(PREFIX)).toEqual(objects);
  });

  it('deletes the object it wrote when the row cannot be inserted', async () => {
    const objects = await keys(PREFIX);
    const rows = await rowCount();
    await sql(`ALTER TABLE notebooks.notebooks ADD CONSTRAINT test_refuse_name CHECK (name <> 'refused by the database')`);
    try {
      const err = await grpcRefusal(api.create({ name: 'refused by the database', content: ipynb('never kept') }));
      expect(err.code).not.toBe(GrpcStatus.OK);
    } finally {
      await sql('ALTER TABLE notebooks.notebooks DROP CONSTRAINT test_refuse_name');
    }
    expect(await rowCount()).toBe(rows);
    expect(await keys(PREFIX)).toEqual(objects);
  });

  it('checks the request’s fields: one container, one content source, name, runtime, kernel', async () => {
    const bytes = ipynb('x');
    const cases: [Partial<notebooksV1.CreateNotebookRequest>, string][] = [
      [{ projectId: '', content: bytes }, 'project_id'],
      [{ spaceId, content: bytes }, 'space_id'],
      [{ projectId: '12345', content: bytes }, 'project_id'],
      [{}, 'file_reference'],
      [{ content: bytes, fileReference: `${FILES}notebook/my_notebook.ipynb` }, 'file_reference'],
      [{ name: '', content: bytes }, 'name'],
      [{ name: 'n'.repeat(256), content: bytes }, 'name'],
      [{ runtimeJson: '[]', content: bytes }, 'runtime'],
      [{ runtimeJson: '{"spark_monitoring_enabled":"yes"}', content: bytes }, 'runtime.spark_monitoring_enabled'],
      [{ runtimeJson: '{"gpu":true}', content: bytes }, 'runtime.gpu'],
      [{ kernelJson: '{"name":5}', content: bytes }, 'kernel.name'],
      [{ originatesFromJson: '{"type":"git"}', content: bytes }, 'originates_from'],
      [{ sourceNotebookId: 'not-a-uuid' }, 'source_notebook_id'],
    ];
    for (const [r, field] of cases)
      expect({ r, ...(await grpcRefusal(api.create(r))) }).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
  });

  it('copies a notebook of the container (source_notebook_id) with its content, runtime and kernel', async () => {
    const source = await api.create({ content: ipynb('original') });
    const copy = await api.create({ name: 'copy', runtimeJson: '', sourceNotebookId: source.id });
    expect(copy.id).not.toBe(source.id);
    expect(JSON.parse(copy.originatesFromJson)).toEqual({ type: 'notebook', guid: source.id });
    expect(copy.runtimeJson).toBe(source.runtimeJson);
    expect(copy.kernelJson).toBe(source.kernelJson);
    expect(await api.content(copy.id)).toEqual(ipynb('original'));
    expect(await grpcRefusal(api.create({ projectId: otherProject, sourceNotebookId: source.id }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
  });
});

describe('ListNotebooks (POST /v2/notebooks/list)', () => {
  it('returns the container’s notebooks among the ids, in the order asked, each once, leaving out the others', async () => {
    const a = await api.create({ name: 'a', content: ipynb('a') });
    const b = await api.create({ name: 'b', content: ipynb('b') });
    const elsewhere = await api.create({ projectId: otherProject, name: 'c', content: ipynb('c') });
    const listed = await api.list([b.id, randomUUID(), a.id, 'junk', b.id, elsewhere.id]);
    expect(listed.map((n) => n.name)).toEqual(['b', 'a']);
    expect(await api.list([])).toEqual([]);
    expect(await grpcRefusal(api.list(Array.from({ length: 1001 }, () => randomUUID())))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
    });
  });
});

describe('UpdateNotebook (PATCH /v2/notebooks/{guid})', () => {
  it('changes runtime and kernel as the seed’s example, keeps the rest, and counts revisions', async () => {
    const n = await api.create({ content: ipynb('u') });
    const kernel = { display_name: 'Python 3.9 with Spark', name: 'python39', language: 'python3' };
    const u = await api.update({
      id: n.id,
      environment: 'd46ca0e27-a646-4de9-a646-9b113c183d4',
      sparkMonitoringEnabled: false,
      kernelJson: JSON.stringify(kernel),
    });
    expect(JSON.parse(u.runtimeJson)).toEqual({ environment: 'd46ca0e27-a646-4de9-a646-9b113c183d4', spark_monitoring_enabled: false });
    expect(JSON.parse(u.kernelJson)).toEqual(kernel);
    expect(u).toMatchObject({ name: n.name, description: n.description, revision: 2, fileReference: n.fileReference });
    const renamed = await api.update({ id: n.id, name: 'renamed', description: '' });
    expect(renamed).toMatchObject({ name: 'renamed', description: '', revision: 3 });
    expect(await grpcRefusal(api.update({ id: randomUUID(), name: 'x' }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'notebook_not_found',
    });
    expect(await grpcRefusal(api.update({ id: n.id, name: '' }))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'name' });
  });

  it('replaces the content whole: a new object, the old one deleted; invalid content changes nothing', async () => {
    const n = await api.create({ content: ipynb('before') });
    const u = await api.update({ id: n.id, content: ipynb('after') });
    expect(u.fileReference).not.toBe(n.fileReference);
    expect(await api.content(n.id)).toEqual(ipynb('after'));
    expect(await keys(`${PREFIX}${n.id}/`)).toEqual([u.fileReference]);
    expect(await grpcRefusal(api.update({ id: n.id, content: Buffer.from('nope') }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'content',
    });
    expect(await api.get(n.id)).toEqual(u);
    expect(await keys(`${PREFIX}${n.id}/`)).toEqual([u.fileReference]);
  });
});

describe('versions (POST|GET /v2/notebooks/{guid}/versions, GET|DELETE …/versions/{version_guid}) and revert (PUT)', () => {
  it('snapshots, lists newest first, reverts without losing later versions, and never reuses a rev_id', async () => {
    const n = await api.create({ content: ipynb('v1') });
    const v1 = await api.version(n.id);
    expect(v1).toMatchObject({ notebookId: n.id, projectId, spaceId: '', createdBy: 'IBMid-versioner', revId: 1 });
    expect(v1.fileReference).toBe(`${PREFIX}${n.id}/versions/${v1.id}.ipynb`);
    await api.update({ id: n.id, content: ipynb('v2') });
    const v2 = await api.version(n.id);
    await api.update({ id: n.id, content: ipynb('v3, never versioned') });
    expect(v2.revId).toBe(2);
    expect((await api.versions(n.id)).map((v) => v.revId)).toEqual([2, 1]);
    expect(await api.getVersion(n.id, v1.id)).toEqual(v1);
    // Immutable: the snapshot keeps its bytes while the notebook changes.
    expect(await api.content(n.id, v1.id)).toEqual(ipynb('v1'));

    const before = await api.get(n.id);
    const reverted = await api.revert(n.id, v1.id);
    expect(reverted).toMatchObject({ revertedToVersionId: v1.id, revision: before.revision + 1 });
    expect(await api.content(n.id)).toEqual(ipynb('v1'));
    expect((await api.versions(n.id)).map((v) => v.id)).toEqual([v2.id, v1.id]);
    expect(await api.content(n.id, v2.id)).toEqual(ipynb('v2'));
    const again = await api.revert(n.id, v2.id);
    expect(await api.content(n.id)).toEqual(ipynb('v2'));
    expect(again.revertedToVersionId).toBe(v2.id);

    await api.deleteVersion(n.id, v2.id);
    expect((await api.versions(n.id)).map((v) => v.id)).toEqual([v1.id]);
    expect((await api.get(n.id)).revertedToVersionId).toBe('');
    expect(await store.exists(v2.fileReference)).toBe(false);
    expect(await grpcRefusal(api.getVersion(n.id, v2.id))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'notebook_version_not_found',
    });
    expect(await grpcRefusal(api.revert(n.id, v2.id))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'notebook_version_not_found',
    });
    expect(await grpcRefusal(api.revert(n.id, 'bad'))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'source' });
    expect((await api.version(n.id)).revId).toBe(3);
  });

  it('numbers versions taken at the same time 1…n, each a whole snapshot', async () => {
    const n = await api.create({ content: ipynb('busy') });
    const taken = await Promise.all(Array.from({ length: 8 }, () => api.version(n.id)));
    expect(taken.map((v) => v.revId).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const v of taken) expect(await api.content(n.id, v.id)).toEqual(ipynb('busy'));
  });

  it('answers NOT_FOUND for a version of another notebook or a notebook of another container', async () => {
    const a = await api.create({ content: ipynb('a') });
    const b = await api.create({ content: ipynb('b') });
    const va = await api.version(a.id);
    expect(await grpcRefusal(api.getVersion(b.id, va.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await grpcRefusal(api.deleteVersion(b.id, va.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(
      await grpcRefusal(call(client.service.listNotebookVersions({ projectId: otherProject, spaceId: '', notebookId: a.id }, md()))),
    ).toMatchObject({ code: GrpcStatus.NOT_FOUND, errorCode: 'notebook_not_found' });
  });
});

describe('PromoteNotebook (POST /v2/notebooks/{guid}/promote)', () => {
  it('copies the current content or a version into the space, without runtime, tagged notebook by default', async () => {
    const n = await api.create({ name: 'to promote', content: ipynb('p1') });
    const v1 = await api.version(n.id);
    await api.update({ id: n.id, content: ipynb('p2') });
    const current = await api.promote({ id: n.id });
    expect(current).toMatchObject({
      projectId: '',
      spaceId,
      name: 'to promote',
      description: n.description,
      tags: ['notebook'],
      runtimeJson: '',
      ownerId: 'promoter',
    });
    expect(current.kernelJson).toBe(n.kernelJson);
    expect(await api.content(current.id, '', { spaceId })).toEqual(ipynb('p2'));
    const old = await api.promote({
      id: n.id,
      versionId: v1.id,
      name: 'my notebook',
      description: 'this is my notebook in space',
      tags: ['test', 'promote'],
    });
    expect(old).toMatchObject({ name: 'my notebook', description: 'this is my notebook in space', tags: ['test', 'promote'] });
    expect(await api.content(old.id, '', { spaceId })).toEqual(ipynb('p1'));
    expect(await grpcRefusal(api.promote({ id: n.id, spaceId: '' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'space_id',
    });
    expect(await grpcRefusal(api.promote({ id: n.id, projectId: otherProject }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
  });
});

describe('DeleteNotebook (DELETE /v2/notebooks/{guid})', () => {
  it('deletes the row, its versions and every object under its prefix', async () => {
    const n = await api.create({ content: ipynb('gone') });
    await api.version(n.id);
    await api.version(n.id);
    expect((await keys(`${PREFIX}${n.id}/`)).length).toBe(3);
    await api.delete(n.id);
    expect(await grpcRefusal(api.get(n.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await sql('SELECT 1 FROM notebooks.notebook_versions WHERE notebook_id = $1', [n.id])).toEqual([]);
    expect(await keys(`${PREFIX}${n.id}/`)).toEqual([]);
    expect(await grpcRefusal(api.delete(n.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND, errorCode: 'notebook_not_found' });
  });
});
