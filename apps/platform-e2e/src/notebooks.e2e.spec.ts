import { randomUUID } from 'node:crypto';
import type { NotebookAssetJson, NotebookListJson, NotebookVersionJson, NotebookVersionListJson } from '@platform/api-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf, type Api } from './support/api';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Notebooks through REST as seed 001 documents them (/v2/notebooks…): created from a file in the storage and from the
 * .ipynb sent with the request, listed by guids, changed, versioned, reverted (later versions kept), promoted to a
 * space, copied and deleted, on the real platform (notebooks service, PostgreSQL, the object store); bad input named.
 */
let platform: TestPlatform;
let api: Api;
let token: string;
let project: string;
let space: string;

/** A small valid nbformat 4.5 notebook whose one cell prints `text`. */
const ipynb = (text: string) =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      language_info: { name: 'python' },
    },
    cells: [{ id: 'c1', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: [`print(${JSON.stringify(text)})`] }],
  });

const RUNTIME = { environment: 'runtime-24.1-py3.11', spark_monitoring_enabled: false };

beforeAll(async () => {
  platform = await startTestPlatform();
  api = platform.api;
  token = await api.newUser('nadia');
  project = await api.newProject(token, 'notebooks');
  const created = await api.request<{ metadata: { id: string } }>('POST', '/v2/spaces', { token, body: { name: 'notebook space' } });
  expect(created.status).toBe(201);
  space = created.body.metadata.id;
});
afterAll(async () => platform?.stop());

const create = (body: Record<string, unknown>, as = token) => api.request<NotebookAssetJson>('POST', '/v2/notebooks', { token: as, body });
const contentOf = async (id: string, query = '') => {
  const res = await api.request<unknown>('GET', `/v2/notebooks/${id}/content${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/x-ipynb+json');
  // The helper parses every JSON media type, this one included.
  return (typeof res.body === 'string' ? JSON.parse(res.body) : res.body) as { cells: { source: string[] }[] };
};
const printed = async (id: string, query = '') => (await contentOf(id, query)).cells[0].source.join('');

describe('notebooks', () => {
  it('creates from the .ipynb sent with the request and from a file in the storage, in the seed’s shape, and lists them by guid', async () => {
    const uploaded = await create({ name: 'uploaded', description: 'sent as content', project, content: ipynb('one'), runtime: RUNTIME });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const id = uploaded.body.metadata.asset_id;
    expect(uploaded.body).toMatchObject({
      metadata: { name: 'uploaded', description: 'sent as content', asset_type: 'notebook', project_id: project },
      // The kernel comes from the notebook's own metadata when the request names none.
      entity: {
        notebook: { kernel: { name: 'python3', display_name: 'Python 3 (ipykernel)' }, originates_from: { type: 'blank' } },
        runtime: RUNTIME,
        href: `/v2/assets/${id}?project_id=${project}`,
      },
    });
    expect(new Date(uploaded.body.metadata.created_at).getTime()).toBe(uploaded.body.metadata.created);
    expect(await printed(id)).toBe('print("one")');

    const key = `e2e-notebooks/${randomUUID()}/my_notebook.ipynb`;
    await uploadToTestBucket(key, Buffer.from(ipynb('from storage')));
    const kernel = { display_name: 'Python 3.11', name: 'python311', language: 'python' };
    const referenced = await create({ name: 'referenced', project, file_reference: key, runtime: RUNTIME, kernel });
    expect(referenced.status, JSON.stringify(referenced.body)).toBe(201);
    expect(referenced.body.entity.notebook.kernel).toEqual(kernel);
    const other = referenced.body.metadata.asset_id;
    expect(await printed(other)).toBe('print("from storage")');

    const unknown = randomUUID();
    const listed = await api.request<NotebookListJson>('POST', `/v2/notebooks/list?project_id=${project}`, {
      token,
      body: { notebooks: [id, other, unknown] },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.total_results).toBe(2);
    expect(listed.body.resources.map((r) => r.metadata.guid).sort()).toEqual([id, other].sort());
    const entry = listed.body.resources.find((r) => r.metadata.guid === id);
    expect(entry).toEqual({
      metadata: { guid: id, url: `/v2/notebooks/${id}` },
      entity: {
        asset: {
          asset_id: id,
          asset_type: 'notebook',
          created_at: uploaded.body.metadata.created_at,
          version: 1,
          project_id: project,
          href: `/v2/assets/${id}?project_id=${project}`,
        },
      },
    });
    const withRuntime = await api.request<NotebookListJson>('POST', `/v2/notebooks/list?project_id=${project}&include=runtime`, {
      token,
      body: { notebooks: [id] },
    });
    expect(withRuntime.body.resources[0].entity.runtime).toEqual(RUNTIME);
  });

  it('keeps versions as immutable snapshots; revert makes one current and keeps the later ones; update, copy, promote, delete', async () => {
    const created = await create({ name: 'versioned', project, content: ipynb('v1'), runtime: RUNTIME });
    expect(created.status).toBe(201);
    const id = created.body.metadata.asset_id;

    const v1 = await api.request<NotebookVersionJson>('POST', `/v2/notebooks/${id}/versions`, { token });
    expect(v1.status, JSON.stringify(v1.body)).toBe(200);
    expect(v1.body).toMatchObject({
      metadata: { url: `v2/notebooks/${id}/versions/${v1.body.metadata.guid}` },
      entity: { master_notebook_guid: id, project_id: project, rev_id: 1 },
    });
    expect(typeof v1.body.metadata.created_at).toBe('number');

    // The seed's update fields, and new content.
    const updated = await api.request<NotebookAssetJson>('PATCH', `/v2/notebooks/${id}`, {
      token,
      body: { environment: 'runtime-25.1-py3.12', spark_monitoring_enabled: true, content: ipynb('v2') },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.entity.runtime).toEqual({ environment: 'runtime-25.1-py3.12', spark_monitoring_enabled: true });
    const v2 = await api.request<NotebookVersionJson>('POST', `/v2/notebooks/${id}/versions`, { token });
    expect(v2.body.entity.rev_id).toBe(2);
    expect(await printed(id)).toBe('print("v2")');
    expect(await printed(id, `?version_guid=${v1.body.metadata.guid}`)).toBe('print("v1")');

    const reverted = await api.request<NotebookAssetJson>('PUT', `/v2/notebooks/${id}`, { token, body: { source: v1.body.metadata.guid } });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
    expect(reverted.body.metadata.asset_id).toBe(id);
    expect(await printed(id)).toBe('print("v1")');
    const versions = await api.request<NotebookVersionListJson>('GET', `/v2/notebooks/${id}/versions`, { token });
    expect(versions.status).toBe(200);
    // Newest first, the later version kept and still its own content.
    expect(versions.body.total_results).toBe(2);
    expect(versions.body.resources.map((v) => v.metadata.guid)).toEqual([v2.body.metadata.guid, v1.body.metadata.guid]);
    expect(await printed(id, `?version_guid=${v2.body.metadata.guid}`)).toBe('print("v2")');
    const one = await api.request<NotebookVersionJson>('GET', `/v2/notebooks/${id}/versions/${v2.body.metadata.guid}`, { token });
    expect(one.body).toEqual(v2.body);
    const listed = await api.request<NotebookListJson>('POST', `/v2/notebooks/list?project_id=${project}`, {
      token,
      body: { notebooks: [id] },
    });
    // Created, updated, reverted: each change of the asset is a revision.
    expect(listed.body.resources[0].entity.asset.version).toBeGreaterThanOrEqual(3);

    // A copy: name and source_guid only; it lands in the source's project.
    const copy = await create({ name: 'copy', source_guid: id });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body).toMatchObject({
      metadata: { project_id: project },
      entity: { notebook: { originates_from: { type: 'notebook', guid: id } } },
    });
    expect(await printed(copy.body.metadata.asset_id)).toBe('print("v1")');

    // Promote the later version into the space: the space's notebook has no runtime and the default tag.
    const promoted = await api.request<NotebookAssetJson>(
      'POST',
      `/v2/notebooks/${id}/promote?project_id=${project}&version_guid=${v2.body.metadata.guid}`,
      { token, body: { space_id: space, description: 'in the space' } },
    );
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(promoted.body.metadata).toMatchObject({ name: 'versioned', description: 'in the space', space_id: space, tags: ['notebook'] });
    expect(promoted.body.entity).not.toHaveProperty('runtime');
    const inSpace = promoted.body.metadata.asset_id;
    expect(inSpace).not.toBe(id);
    expect(await printed(inSpace)).toBe('print("v2")');
    const spaceList = await api.request<NotebookListJson>('POST', `/v2/notebooks/list?space_id=${space}`, {
      token,
      body: { notebooks: [inSpace, id] },
    });
    expect(spaceList.body.resources.map((r) => r.metadata.guid)).toEqual([inSpace]);

    // Deleting a version keeps the notebook and the other version.
    expect((await api.request('DELETE', `/v2/notebooks/${id}/versions/${v1.body.metadata.guid}`, { token })).status).toBe(204);
    const gone = await api.request('GET', `/v2/notebooks/${id}/versions/${v1.body.metadata.guid}`, { token });
    expect(gone.status).toBe(404);
    expect(envelopeOf(gone).code).toBe('notebook_version_not_found');
    expect((await api.request<NotebookVersionListJson>('GET', `/v2/notebooks/${id}/versions`, { token })).body.total_results).toBe(1);

    expect((await api.request('DELETE', `/v2/notebooks/${id}`, { token })).status).toBe(204);
    const after = await api.request<NotebookListJson>('POST', `/v2/notebooks/list?project_id=${project}`, {
      token,
      body: { notebooks: [id] },
    });
    expect(after.body.total_results).toBe(0);
    const deleted = await api.request('GET', `/v2/notebooks/${id}/versions`, { token });
    expect(deleted.status).toBe(404);
    expect(envelopeOf(deleted).code).toBe('notebook_not_found');
    // The copy and the promoted notebook are notebooks of their own.
    expect(await printed(copy.body.metadata.asset_id)).toBe('print("v1")');
    expect(await printed(inSpace)).toBe('print("v2")');
  });

  it('refuses a notebook that is not JSON or not nbformat 4 with a 400 naming the field and the JSON path', async () => {
    const notJson = await create({ name: 'bad', project, content: '{"nbformat": 4, cells', runtime: RUNTIME });
    expect(notJson.status).toBe(400);
    expect(envelopeOf(notJson).target).toEqual({ type: 'field', name: 'content' });
    expect(envelopeOf(notJson).message).toMatch(/not JSON/);

    const v3 = await create({
      name: 'bad',
      project,
      content: JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }),
      runtime: RUNTIME,
    });
    expect(v3.status).toBe(400);
    expect(envelopeOf(v3).message).toContain('/nbformat');

    // A code cell without outputs: the first problem, by its JSON pointer.
    const cell = JSON.parse(ipynb('x')) as { cells: Record<string, unknown>[] };
    delete cell.cells[0].outputs;
    const badCell = await create({ name: 'bad', project, content: JSON.stringify(cell), runtime: RUNTIME });
    expect(badCell.status).toBe(400);
    expect(envelopeOf(badCell).target).toEqual({ type: 'field', name: 'content' });
    expect(envelopeOf(badCell).message).toContain('/cells/0');

    const missingFile = await create({ name: 'bad', project, file_reference: `e2e-notebooks/${randomUUID()}.ipynb`, runtime: RUNTIME });
    expect(missingFile.status).toBe(400);
    expect(envelopeOf(missingFile).target).toEqual({ type: 'field', name: 'file_reference' });

    const wrongProject = await create({ name: 'bad', project: '12345', content: ipynb('x'), runtime: RUNTIME });
    expect(wrongProject.status).toBe(400);
    expect(envelopeOf(wrongProject).target).toEqual({ type: 'field', name: 'project' });
    const noRuntime = await create({ name: 'bad', project, content: ipynb('x') });
    expect(envelopeOf(noRuntime).target).toEqual({ type: 'field', name: 'runtime' });
    const two = await create({ name: 'bad', project, content: ipynb('x'), file_reference: 'a.ipynb', runtime: RUNTIME });
    expect(two.status).toBe(400);
    expect(envelopeOf(two).target).toEqual({ type: 'field', name: 'content' });
    const noSource = await api.request('PUT', `/v2/notebooks/${randomUUID()}`, { token, body: {} });
    expect(envelopeOf(noSource).target).toEqual({ type: 'field', name: 'source' });
    const badGuid = await api.request('GET', '/v2/notebooks/not-a-guid/versions', { token });
    expect(badGuid.status).toBe(400);
    expect(envelopeOf(badGuid).target).toEqual({ type: 'field', name: 'notebook_guid' });
    const badInclude = await api.request('POST', `/v2/notebooks/list?project_id=${project}&include=owner`, {
      token,
      body: { notebooks: [randomUUID()] },
    });
    expect(envelopeOf(badInclude).target).toEqual({ type: 'field', name: 'include' });
  });

  it('takes a .ipynb of up to 3 MiB with the request, whole, and refuses a larger one naming content', async () => {
    const MAX = 3 * 1024 * 1024;
    /** A notebook of exactly `size` bytes: one cell whose stream output pads it. */
    const sized = (size: number) => {
      const doc = JSON.parse(ipynb('big')) as { cells: Record<string, unknown>[] };
      doc.cells[0].outputs = [{ output_type: 'stream', name: 'stdout', text: '' }];
      const bare = Buffer.byteLength(JSON.stringify(doc));
      (doc.cells[0].outputs as { text: string }[])[0].text = 'a'.repeat(size - bare);
      const text = JSON.stringify(doc);
      expect(Buffer.byteLength(text)).toBe(size);
      return text;
    };
    const largest = sized(MAX);
    const created = await create({ name: 'largest', project, content: largest, runtime: RUNTIME });
    expect(created.status, JSON.stringify(created.body).slice(0, 500)).toBe(201);
    const back = await api.request<unknown>('GET', `/v2/notebooks/${created.body.metadata.asset_id}/content`, { token });
    expect(JSON.stringify(back.body)).toBe(largest);

    const tooLarge = await create({ name: 'too large', project, content: sized(MAX + 1), runtime: RUNTIME });
    expect(tooLarge.status).toBe(400);
    expect(envelopeOf(tooLarge).target).toEqual({ type: 'field', name: 'content' });
  });

  it('answers 404 for an unknown guid and for a notebook the caller cannot see; viewers read, only editors write', async () => {
    const unknown = randomUUID();
    for (const [method, path, body] of [
      ['GET', `/v2/notebooks/${unknown}/versions`, undefined],
      ['POST', `/v2/notebooks/${unknown}/versions`, undefined],
      ['DELETE', `/v2/notebooks/${unknown}`, undefined],
      ['PUT', `/v2/notebooks/${unknown}`, { source: randomUUID() }],
      ['PATCH', `/v2/notebooks/${unknown}`, { environment: 'x' }],
    ] as const) {
      const res = await api.request(method, path, { token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(envelopeOf(res).code).toBe('notebook_not_found');
    }

    const created = await create({ name: 'shared', project, content: ipynb('shared'), runtime: RUNTIME });
    const id = created.body.metadata.asset_id;
    const version = (await api.request<NotebookVersionJson>('POST', `/v2/notebooks/${id}/versions`, { token })).body.metadata.guid;
    const unknownVersion = await api.request('GET', `/v2/notebooks/${id}/versions/${randomUUID()}`, { token });
    expect(unknownVersion.status).toBe(404);
    expect(envelopeOf(unknownVersion).code).toBe('notebook_version_not_found');

    const outsider = await api.newUser('otto');
    const hidden = await api.request('GET', `/v2/notebooks/${id}/versions`, { token: outsider });
    expect(hidden.status).toBe(404);
    // Word for word the answer for an id of nothing.
    const nothing = await api.request('GET', `/v2/notebooks/${unknown}/versions`, { token: outsider });
    expect({ ...envelopeOf(hidden), message: envelopeOf(hidden).message.replace(id, unknown) }).toEqual(envelopeOf(nothing));
    // Naming the project, as on every watsonx route, the outsider is told it is not a member.
    expect((await api.request('GET', `/v2/notebooks/${id}/versions?project_id=${project}`, { token: outsider })).status).toBe(403);
    // Another project's id finds nothing there.
    const own = await api.newProject(outsider, 'own');
    expect((await api.request('GET', `/v2/notebooks/${id}/versions?project_id=${own}`, { token: outsider })).status).toBe(404);

    const viewer = await api.newUser('vera');
    const added = await api.request('POST', `/v2/projects/${project}/members`, {
      token,
      body: { members: [{ user_name: 'vera', role: 'viewer' }] },
    });
    expect(added.status).toBe(201);
    expect((await api.request('GET', `/v2/notebooks/${id}/versions/${version}`, { token: viewer })).status).toBe(200);
    expect((await api.request('GET', `/v2/notebooks/${id}/content`, { token: viewer })).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', `/v2/notebooks/${id}/versions`, undefined],
      ['DELETE', `/v2/notebooks/${id}/versions/${version}`, undefined],
      ['PATCH', `/v2/notebooks/${id}`, { environment: 'x' }],
      ['PUT', `/v2/notebooks/${id}`, { source: version }],
      ['DELETE', `/v2/notebooks/${id}`, undefined],
    ] as const) {
      const res = await api.request(method, path, { token: viewer, body });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    // Promoting needs the editor role on the target space too.
    const viewersSpace = await api.request('POST', `/v2/notebooks/${id}/promote`, { token: viewer, body: { space_id: space } });
    expect(viewersSpace.status).toBe(403);
    expect((await create({ name: 'copy', source_guid: id }, viewer)).status).toBe(403);
    expect((await api.request('GET', `/v2/notebooks/${id}/versions`, { token })).body).toMatchObject({ total_results: 1 });
  });
});
