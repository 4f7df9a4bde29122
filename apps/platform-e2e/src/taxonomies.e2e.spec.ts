import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { envelopeOf } from './support/api';
import { eventually, storedEvents } from './support/events';
import { gzipBomb, KNOWLEDGE_QNA, SKILL_QNA, tarGz, validTaxonomy } from './support/tarballs';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

let platform: TestPlatform;
let token: string;
let project: string;
const run = randomBytes(4).toString('hex');

const upload = uploadToTestBucket;

let validPath: string;
const create = (body: Record<string, unknown>, projectId = project) =>
  platform.api.request<Record<string, unknown>>('POST', `/v1/projects/${projectId}/taxonomies`, { token, body });
const list = async () =>
  (await platform.api.request<{ taxonomies: { name: string }[] }>('GET', `/v1/projects/${project}/taxonomies`, { token })).body.taxonomies;

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.api.newUser('tess');
  project = await platform.api.newProject(token, 'taxonomies');
  validPath = await upload(`taxonomies/e2e-${run}/taxonomy.tar.gz`, await validTaxonomy());
});
afterAll(async () => platform?.stop());

describe('taxonomies', () => {
  it('create returns 201 with exactly the seed fields', async () => {
    // git_id must name a secret of the project (the documents are fetched with it).
    const secret = await platform.api.request<{ id: string }>('POST', `/api/v2/secrets?project_id=${project}`, {
      token,
      body: { secret_type: 'arbitrary', name: 'docs-token', payload: 'e2e-token', allowed_urls: ['https://git.example.com/'] },
    });
    const gitId = secret.body.id;
    const res = await create({
      name: 'example-taxonomy-1',
      taxonomy_path_cos: validPath,
      secrets_manager_config: { url: 'https://sm.example.com', git_id: gitId },
    });
    expect(res.status).toBe(201);
    const t = res.body;
    expect(Object.keys(t).sort()).toEqual(
      [
        'cos_bucket_information',
        'created_at',
        'href',
        'id',
        'name',
        'project_id',
        'secrets_manager_config',
        'taxonomy_path_cos',
        'tokens',
      ].sort(),
    );
    expect(t.id).toMatch(/^[a-z0-9-]{36}$/);
    expect(t).toMatchObject({
      project_id: project,
      name: 'example-taxonomy-1',
      taxonomy_path_cos: validPath,
      secrets_manager_config: { url: 'https://sm.example.com', git_id: gitId },
    });
    expect(t.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(t.href).toBe(`${platform.url}/v1/projects/${project}/taxonomies/${t.id}`);
    expect(t.cos_bucket_information).toEqual({ bucket: inject('s3').bucket, endpoint: inject('s3').endpoint });
    const tokens = (t.tokens as { data_tokens_estimated: number }).data_tokens_estimated;
    expect(tokens).toBeGreaterThan(40);
    expect(tokens).toBeLessThan(400);

    const got = await platform.api.request('GET', `/v1/projects/${project}/taxonomies/${t.id}`, { token });
    expect(got.body).toEqual(t);
    const listed = await list();
    expect(listed).toHaveLength(1);
    expect(Object.keys(listed[0]).sort()).toEqual(['created_at', 'href', 'id', 'name', 'project_id', 'taxonomy_path_cos']);
  });

  it('the /v1/taxonomies routes use ?project_id= or the default project', async () => {
    const admin = await platform.api.adminToken();
    const created = await platform.api.request<{ id: string; project_id: string }>('POST', '/v1/taxonomies', {
      token: admin,
      body: { name: 'in-default', taxonomy_path_cos: validPath },
    });
    expect(created.status).toBe(201);
    const byDefault = await platform.api.request<{ taxonomies: { id: string }[] }>('GET', '/v1/taxonomies', { token: admin });
    expect(byDefault.body.taxonomies.map((t) => t.id)).toContain(created.body.id);
    const explicit = await platform.api.request<{ taxonomies: { name: string }[] }>('GET', `/v1/taxonomies?project_id=${project}`, {
      token,
    });
    expect(explicit.body.taxonomies.map((t) => t.name)).toContain('example-taxonomy-1');
    expect((await platform.api.request('GET', `/v1/taxonomies/${created.body.id}`, { token: admin })).status).toBe(200);
    expect(
      (await platform.api.request('DELETE', `/v1/taxonomies/${created.body.id}?project_id=${created.body.project_id}`, { token: admin }))
        .status,
    ).toBe(204);
    // tess has a default project (her first); a user with none must name one.
    const newcomer = await platform.api.newUser('nina');
    const none = await platform.api.request('GET', '/v1/taxonomies', { token: newcomer });
    expect(none.status).toBe(400);
    expect(envelopeOf(none).target).toEqual({ type: 'field', name: 'project_id' });
  });

  it('a duplicate name in the project is 409', async () => {
    await create({ name: 'dup-name', taxonomy_path_cos: validPath });
    const again = await create({ name: 'dup-name', taxonomy_path_cos: validPath });
    expect(again.status).toBe(409);
    expect(envelopeOf(again)).toMatchObject({ code: 'conflict', target: { type: 'field', name: 'name' } });
  });

  it('enforces the seed name rule: 1-32 characters, ^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$', async () => {
    expect((await create({ name: 'a'.repeat(32), taxonomy_path_cos: validPath })).status).toBe(201);
    expect((await create({ name: 'B', taxonomy_path_cos: validPath })).status).toBe(201);
    for (const name of ['a'.repeat(33), '', '-lead', 'trail_', 'dou--ble', 'sp ace', 'dot.name', 42]) {
      const res = await create({ name, taxonomy_path_cos: validPath });
      expect(res.status, String(name)).toBe(400);
      expect(envelopeOf(res).target).toEqual({ type: 'field', name: 'name' });
    }
    expect((await create({ taxonomy_path_cos: validPath })).status).toBe(400);
  });

  it('enforces the seed path rule: 20-100 characters, no trailing slash', async () => {
    for (const path of [
      'taxonomies/a.tar.gz',
      `taxonomies/${'a'.repeat(90)}`,
      'taxonomies/taxonomy.tar.gz/',
      'taxonomies//taxonomy.tar.gz',
    ]) {
      const res = await create({ name: 'pathcheck', taxonomy_path_cos: path });
      expect(res.status, path).toBe(400);
      expect(envelopeOf(res).target).toEqual({ type: 'field', name: 'taxonomy_path_cos' });
    }
    const missing = await create({ name: 'pathcheck', taxonomy_path_cos: 'taxonomies/not-uploaded.tar.gz' });
    expect(missing.status).toBe(400);
    expect(envelopeOf(missing).message).toMatch(/No taxonomy archive/);
  });

  it('unknown ids are 404 and malformed ids 400', async () => {
    const unknown = await platform.api.request('GET', `/v1/projects/${project}/taxonomies/00000000-0000-4000-8000-000000000000`, { token });
    expect(unknown.status).toBe(404);
    expect(envelopeOf(unknown).code).toBe('taxonomy_not_found');
    expect((await platform.api.request('GET', `/v1/projects/${project}/taxonomies/ABC`, { token })).status).toBe(400);
    expect(
      (await platform.api.request('DELETE', `/v1/projects/${project}/taxonomies/00000000-0000-4000-8000-000000000000`, { token })).status,
    ).toBe(404);
    expect((await platform.api.request('GET', `/v1/projects/00000000-0000-4000-8000-000000000000/taxonomies`, { token })).status).toBe(404);
  });

  it('pages the list: limit and start, every taxonomy once across the next links, malformed values refused', async () => {
    const paged = await platform.api.newProject(token, 'paging');
    const made: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const res = await create({ name: `paged-${n}`, taxonomy_path_cos: validPath }, paged);
      expect(res.status).toBe(201);
      made.push(res.body.id as string);
    }
    type ListPage = {
      taxonomies: { id: string }[];
      total_count: number;
      limit: number;
      first: { href: string };
      next?: { href: string; start: string };
    };
    const get = async (href: string) => {
      const res = await platform.api.request<ListPage>('GET', href.replace(platform.url, ''), { token });
      expect(res.status).toBe(200);
      return res.body;
    };
    const seen: string[] = [];
    let page = await get(`/v1/projects/${paged}/taxonomies?limit=2`);
    expect(page.first.href).toBe(`${platform.url}/v1/projects/${paged}/taxonomies?limit=2`);
    for (let pages = 1; ; pages++) {
      expect(page).toMatchObject({ total_count: pages === 1 ? 5 : 6, limit: 2 });
      seen.push(...page.taxonomies.map((t) => t.id));
      if (!page.next) {
        expect(pages).toBe(3);
        break;
      }
      expect(new URL(page.next.href).searchParams.get('start')).toBe(page.next.start);
      // One created mid-walk sorts before the pages still to come (newest first), so it shifts none of them.
      if (pages === 1) expect((await create({ name: 'paged-late', taxonomy_path_cos: validPath }, paged)).status).toBe(201);
      page = await get(page.next.href);
    }
    expect(seen).toEqual([...made].reverse());

    const byDefault = await get(`/v1/taxonomies?project_id=${paged}`);
    expect(byDefault).toMatchObject({ total_count: 6, limit: 500 });
    expect(byDefault.taxonomies).toHaveLength(6);
    expect(byDefault.next).toBeUndefined();
    for (const [query, field] of [
      ['limit=501', 'limit'],
      ['limit=0', 'limit'],
      ['start=o%3A5', 'start'],
      [`start=${Buffer.from('["2025-01-01T00:00:00.000000Z","nope"]').toString('base64url')}`, 'start'],
    ]) {
      const res = await platform.api.request('GET', `/v1/projects/${paged}/taxonomies?${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(envelopeOf(res).target).toEqual({ type: 'field', name: field });
    }
  });

  it('refuses malicious and empty archives with 400, writing nothing', async () => {
    const before = (await list()).length;
    const cases: [string, Buffer][] = [
      ['dotdot', await tarGz([{ name: 'knowledge/../../etc/qna.yaml', content: KNOWLEDGE_QNA }])],
      ['absolute', await tarGz([{ name: '/etc/knowledge/qna.yaml', content: KNOWLEDGE_QNA }])],
      ['symlink', await tarGz([{ name: 'knowledge/a/qna.yaml', type: 'symlink', linkname: '/etc/passwd' }])],
      ['hardlink', await tarGz([{ name: 'knowledge/a/qna.yaml', type: 'link', linkname: '../../outside' }])],
      ['bomb', await gzipBomb(300 * 1024 * 1024)],
      ['noleaves', await tarGz([{ name: 'README.md', content: 'nothing here' }])],
      ['notatar', Buffer.from('this is not an archive at all, just text')],
    ];
    for (const [label, body] of cases) {
      const path = await upload(`taxonomies/e2e-${run}/bad-${label}.tar.gz`, body);
      const res = await create({ name: `bad-${label}`, taxonomy_path_cos: path });
      expect(res.status, label).toBe(400);
      expect(envelopeOf(res).target, label).toEqual({ type: 'field', name: 'taxonomy_path_cos' });
    }
    expect(await list()).toHaveLength(before);
    const created = await storedEvents(platform.events, 'taxonomy.created');
    expect(created.filter((e) => String(e.data.name).startsWith('bad-') && e.data.projectId === project)).toEqual([]);
  });

  it("creates from a file of the project's storage (/v2/asset_files), lists its leaves, and refuses another project's file", async () => {
    const path = `taxonomies/console-${run}.tar.gz`;
    const put = await fetch(`${platform.url}/v2/asset_files/${path}?project_id=${project}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
      body: await validTaxonomy(),
    });
    expect(put.status).toBe(201);
    const key = `projects/${project}/assets/${path}`;
    const created = await create({ name: `from-storage-${run}`, taxonomy_path_cos: key });
    expect(created.status).toBe(201);
    const leaves = await platform.api.request<{ leaves: Record<string, unknown>[] }>(
      'GET',
      `/v1/projects/${project}/taxonomies/${String(created.body.id)}/leaves`,
      { token },
    );
    expect(leaves.status).toBe(200);
    expect(leaves.body.leaves.map(({ path, kind }) => ({ path, kind }))).toEqual([
      { path: 'compositional_skills/writing/poetry/qna.yaml', kind: 'freeform_skill' },
      { path: 'knowledge/science/astronomy/sun/qna.yaml', kind: 'knowledge' },
    ]);
    expect(leaves.body.leaves[1].qna_yaml).toBe(KNOWLEDGE_QNA);
    expect(Object.keys(leaves.body.leaves[1]).sort()).toEqual(['documents', 'kind', 'path', 'qna_yaml']);
    const byDefault = await platform.api.request('GET', `/v1/taxonomies/${String(created.body.id)}/leaves?project_id=${project}`, {
      token,
    });
    expect(byDefault.body).toEqual(leaves.body);

    // A member of another project names this project's file: refused by name, before anything is read.
    const other = await platform.api.newUser(`mallory${run}`);
    const otherProject = await platform.api.newProject(other, 'elsewhere');
    const foreign = await platform.api.request('POST', `/v1/projects/${otherProject}/taxonomies`, {
      token: other,
      body: { name: 'stolen', taxonomy_path_cos: key },
    });
    expect(foreign.status).toBe(400);
    expect(envelopeOf(foreign)).toMatchObject({ target: { type: 'field', name: 'taxonomy_path_cos' } });
    expect(envelopeOf(foreign).message).toMatch(/another project's or a space's storage/);
  });

  it('publishes taxonomy.created and taxonomy.deleted exactly once each', async () => {
    const res = await create({ name: 'evented', taxonomy_path_cos: validPath });
    const id = res.body.id as string;
    expect((await platform.api.request('DELETE', `/v1/projects/${project}/taxonomies/${id}`, { token })).status).toBe(204);
    expect((await platform.api.request('GET', `/v1/projects/${project}/taxonomies/${id}`, { token })).status).toBe(404);
    const mine = (events: { data: Record<string, unknown> }[]) => events.filter((e) => e.data.taxonomyId === id);
    const created = await eventually(
      () => storedEvents(platform.events, 'taxonomy.created'),
      (e) => mine(e).length > 0,
    );
    const deleted = await eventually(
      () => storedEvents(platform.events, 'taxonomy.deleted'),
      (e) => mine(e).length > 0,
    );
    expect(mine(created)).toHaveLength(1);
    expect(mine(created)[0].data).toMatchObject({
      projectId: project,
      name: 'evented',
      leaves: ['compositional_skills/writing/poetry/qna.yaml', 'knowledge/science/astronomy/sun/qna.yaml'],
      leafCount: 2,
    });
    expect(mine(deleted)).toHaveLength(1);
  });

  it('a taxonomy of 2,000 leaves on long paths: its event lists the first 100 and counts them all, and later events still flow', async () => {
    // 2,000 paths of ≈ 530 bytes: listed whole, the event would be over NATS's 1 MiB and never published, holding
    // every later event of the taxonomy service behind it.
    const long = (c: string) => c.repeat(250);
    const paths = Array.from(
      { length: 2000 },
      (_, i) => `compositional_skills/${long('s')}/${String(i).padStart(4, '0')}/${long('t')}/qna.yaml`,
    );
    const path = await upload(
      `taxonomies/e2e-${run}/many-leaves.tar.gz`,
      await tarGz(paths.map((p) => ({ name: `taxonomy/${p}`, content: SKILL_QNA }))),
    );
    const res = await create({ name: 'many-leaves', taxonomy_path_cos: path });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect((await platform.api.request('DELETE', `/v1/projects/${project}/taxonomies/${id}`, { token })).status).toBe(204);
    const mine = (events: { data: Record<string, unknown> }[]) => events.filter((e) => e.data.taxonomyId === id);
    const [created] = mine(
      await eventually(
        () => storedEvents(platform.events, 'taxonomy.created'),
        (e) => mine(e).length > 0,
      ),
    );
    expect(created.data).toMatchObject({ leaves: paths.slice(0, 100), leafCount: 2000 });
    await eventually(
      () => storedEvents(platform.events, 'taxonomy.deleted'),
      (e) => mine(e).length > 0,
    );

    const tooLong = await upload(
      `taxonomies/e2e-${run}/long-segment.tar.gz`,
      await tarGz([{ name: `taxonomy/compositional_skills/${'n'.repeat(256)}/qna.yaml`, content: SKILL_QNA }]),
    );
    const refused = await create({ name: 'long-segment', taxonomy_path_cos: tooLong });
    expect(refused.status).toBe(400);
    expect(envelopeOf(refused).message).toMatch(/has a path segment over 255 bytes/);
  });

  it('the taxonomy service exposes health and gRPC metrics on its ops port', async () => {
    const ops = `http://127.0.0.1:${platform.options.ports.services.taxonomy.ops}`;
    expect(await (await fetch(`${ops}/health`)).json()).toMatchObject({
      status: 'ok',
      checks: { database: 'ok', nats: 'ok', object_store: 'ok' },
    });
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    expect(metrics).toMatch(/grpc_server_handled_total\{grpc_method="createTaxonomy",grpc_code="OK",service="taxonomy"\} [1-9]/);
    expect(metrics).toMatch(/grpc_server_handled_total\{grpc_method="createTaxonomy",grpc_code="3",service="taxonomy"\} [1-9]/);
  });

  // A stop and a whole start: each process may take the launcher's 90 s to answer healthy on a loaded machine.
  it('keeps its data across a restart of every process', async () => {
    const before = await list();
    await platform.restart();
    token = await platform.api.login('tess', 'tess-password');
    expect(await list()).toEqual(before);
    expect((await create({ name: 'after-restart', taxonomy_path_cos: validPath })).status).toBe(201);
  }, 240_000);
});
