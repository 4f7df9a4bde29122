import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

describe('projects', () => {
  it('create returns 201 with the id at metadata.guid; list, get and delete follow', async () => {
    const { api } = platform;
    const token = await api.newUser('pia');
    const created = await api.request<{ metadata: { guid: string }; entity: { name: string } }>('POST', '/v2/projects', {
      token,
      body: { name: 'Granite tuning', description: 'd' },
    });
    expect(created.status).toBe(201);
    const id = created.body.metadata.guid;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const listed = await api.request<{ resources: { metadata: { guid: string } }[] }>('GET', '/v2/projects', { token });
    expect(listed.body.resources.map((r) => r.metadata.guid)).toEqual([id]);
    // Paged: total_results (the data platform's name), then next.href until it is gone, oldest first.
    const second = (await api.request<{ metadata: { guid: string } }>('POST', '/v2/projects', { token, body: { name: 'Second' } })).body
      .metadata.guid;
    type ProjectPage = { total_results: number; limit: number; next?: { href: string }; resources: { metadata: { guid: string } }[] };
    const walked: string[] = [];
    for (let href: string | undefined = `${platform.url}/v2/projects?limit=1`; href;) {
      const page: ProjectPage = (await api.request<ProjectPage>('GET', href.replace(platform.url, ''), { token })).body;
      expect(page).toMatchObject({ total_results: 2, limit: 1 });
      walked.push(...page.resources.map((r) => r.metadata.guid));
      href = page.next?.href;
    }
    expect(walked).toEqual([id, second]);
    expect((await api.request('DELETE', `/v2/projects/${second}`, { token })).status).toBe(204);
    expect((await api.request('GET', `/v2/projects/${id}`, { token })).body).toMatchObject({ entity: { name: 'Granite tuning' } });
    expect((await api.request('DELETE', `/v2/projects/${id}`, { token })).status).toBe(204);
    const gone = await api.request('GET', `/v2/projects/${id}`, { token });
    expect(gone.status).toBe(404);
    expect(envelopeOf(gone).code).toBe('project_not_found');
  });

  it('rejects a missing name and a malformed id with 400', async () => {
    const token = await platform.api.adminToken();
    const noName = await platform.api.request('POST', '/v2/projects', { token, body: { description: 'x' } });
    expect(noName.status).toBe(400);
    expect(envelopeOf(noName).target).toEqual({ type: 'field', name: 'name' });
    expect((await platform.api.request('GET', '/v2/projects/not-a-uuid', { token })).status).toBe(400);
  });

  it('non-members get 403, viewers cannot write, editors can, admins manage members', async () => {
    const { api } = platform;
    const owner = await api.newUser('olga');
    const viewer = await api.newUser('vic');
    const editor = await api.newUser('eddie');
    const project = await api.newProject(owner, 'shared');

    const outsider = await api.request('GET', `/v2/projects/${project}`, { token: viewer });
    expect(outsider.status).toBe(403);
    expect(envelopeOf(outsider).code).toBe('forbidden');
    expect((await api.request('GET', `/v1/projects/${project}/taxonomies`, { token: viewer })).status).toBe(403);
    expect((await api.request<{ resources: unknown[] }>('GET', '/v2/projects', { token: viewer })).body.resources).toEqual([]);

    const added = await api.request('POST', `/v2/projects/${project}/members`, {
      token: owner,
      body: {
        members: [
          { user_name: 'vic', role: 'viewer' },
          { user_name: 'eddie', role: 'editor' },
        ],
      },
    });
    expect(added.status).toBe(201);
    const members = await api.request<{ members: { user_name: string; role: string }[] }>('GET', `/v2/projects/${project}/members`, {
      token: viewer,
    });
    expect(members.body.members.map((m) => `${m.user_name}:${m.role}`).sort()).toEqual(['eddie:editor', 'olga:admin', 'vic:viewer']);

    const viewerWrite = await api.request('POST', `/v1/projects/${project}/taxonomies`, {
      token: viewer,
      body: { name: 'tx', taxonomy_path_cos: 'taxonomies/taxonomy.tar.gz' },
    });
    expect(viewerWrite.status).toBe(403);
    expect(envelopeOf(viewerWrite).message).toMatch(/editor/);
    expect((await api.request('DELETE', `/v2/projects/${project}`, { token: viewer })).status).toBe(403);
    expect(
      (
        await api.request('POST', `/v2/projects/${project}/members`, {
          token: editor,
          body: { members: [{ user_name: 'vic', role: 'admin' }] },
        })
      ).status,
    ).toBe(403);
    // An editor passes authorization for writes (the request then fails for its own reason: no such archive).
    const editorWrite = await api.request('POST', `/v1/projects/${project}/taxonomies`, {
      token: editor,
      body: { name: 'tx', taxonomy_path_cos: 'taxonomies/missing-archive.tar.gz' },
    });
    expect(editorWrite.status).toBe(400);

    const unknownUser = await api.request('POST', `/v2/projects/${project}/members`, {
      token: owner,
      body: { members: [{ user_name: 'nobody', role: 'viewer' }] },
    });
    expect(unknownUser.status).toBe(400);
    const badRole = await api.request('POST', `/v2/projects/${project}/members`, {
      token: owner,
      body: { members: [{ user_name: 'vic', role: 'owner' }] },
    });
    expect(badRole.status).toBe(400);
    expect((await api.request('DELETE', `/v2/projects/${project}/members?user_names=olga`, { token: owner })).status).toBe(409);
    expect(
      (
        await api.request('PATCH', `/v2/projects/${project}/members`, {
          token: owner,
          body: { members: [{ user_name: 'olga', role: 'viewer' }] },
        })
      ).status,
    ).toBe(409);
    expect((await api.request('DELETE', `/v2/projects/${project}/members?user_names=vic`, { token: owner })).status).toBe(204);
    expect((await api.request('GET', `/v2/projects/${project}`, { token: viewer })).status).toBe(403);
  });

  it('a project keeps an admin (409 in the envelope), and any member may leave it', async () => {
    const { api } = platform;
    const ann = await api.newUser('ann');
    const ben = await api.newUser('ben');
    const cal = await api.newUser('cal');
    const project = await api.newProject(ann, 'leaving');
    const members = async () =>
      (
        await api.request<{ members: { user_name: string; role: string }[] }>('GET', `/v2/projects/${project}/members`, { token: ann })
      ).body.members
        .map((m) => `${m.user_name}:${m.role}`)
        .sort();

    // The only admin demoting herself through POST.
    const selfDemotion = await api.request('POST', `/v2/projects/${project}/members`, {
      token: ann,
      body: { members: [{ user_name: 'ann', role: 'editor' }] },
    });
    expect(selfDemotion.status).toBe(409);
    expect(envelopeOf(selfDemotion)).toMatchObject({ code: 'conflict', message: expect.stringMatching(/at least one admin/) });

    // Two admins demoted in one PATCH.
    const add = (user_name: string, role: string) =>
      api.request('POST', `/v2/projects/${project}/members`, { token: ann, body: { members: [{ user_name, role }] } });
    expect((await add('ben', 'admin')).status).toBe(201);
    expect((await add('cal', 'viewer')).status).toBe(201);
    const both = await api.request('PATCH', `/v2/projects/${project}/members`, {
      token: ann,
      body: {
        members: [
          { user_name: 'ann', role: 'viewer' },
          { user_name: 'ben', role: 'viewer' },
        ],
      },
    });
    expect(both.status).toBe(409);
    expect(await members()).toEqual(['ann:admin', 'ben:admin', 'cal:viewer']);

    // A viewer leaves without the admin role, but cannot remove anyone else.
    expect((await api.request('DELETE', `/v2/projects/${project}/members/ben`, { token: cal })).status).toBe(403);
    expect((await api.request('DELETE', `/v2/projects/${project}/members/cal`, { token: cal })).status).toBe(204);
    expect((await api.request('GET', `/v2/projects/${project}`, { token: cal })).status).toBe(403);
    // An admin leaves while another admin remains; the last one cannot.
    expect((await api.request('DELETE', `/v2/projects/${project}/members?user_names=ben`, { token: ben })).status).toBe(204);
    const last = await api.request('DELETE', `/v2/projects/${project}/members/ann`, { token: ann });
    expect(last.status).toBe(409);
    expect(envelopeOf(last).code).toBe('conflict');
    expect(await members()).toEqual(['ann:admin']);

    // The same rules on spaces.
    const space = await api.request<{ metadata: { id: string } }>('POST', '/v2/spaces', { token: ann, body: { name: 'leaving' } });
    const spaceId = space.body.metadata.id;
    expect(
      (await api.request('POST', `/v2/spaces/${spaceId}/members`, { token: ann, body: { members: [{ id: 'ben', role: 'viewer' }] } }))
        .status,
    ).toBe(201);
    expect((await api.request('DELETE', `/v2/spaces/${spaceId}/members/ben`, { token: ben })).status).toBe(204);
    expect((await api.request('DELETE', `/v2/spaces/${spaceId}/members/ann`, { token: ann })).status).toBe(409);
  });

  it('a member removed on this gateway loses access to the inference routes (cached decisions) at once', async () => {
    const { api } = platform;
    const owner = await api.newUser('rhea');
    const member = await api.newUser('rory');
    const project = await api.newProject(owner, 'revocation');
    // Access passes, then the call fails for its own reason (no such model): anything but 403 means "admitted".
    const tokenize = () =>
      api.request('POST', '/ml/v1/text/tokenization?version=2024-05-31', {
        token: member,
        body: { model_id: 'no/such-model', project_id: project, input: 'hi' },
      });
    expect((await tokenize()).status).toBe(403);
    expect(
      (
        await api.request('POST', `/v2/projects/${project}/members`, {
          token: owner,
          body: { members: [{ user_name: 'rory', role: 'viewer' }] },
        })
      ).status,
    ).toBe(201);
    for (let i = 0; i < 3; i++) expect((await tokenize()).status).not.toBe(403);
    expect((await api.request('DELETE', `/v2/projects/${project}/members/rory`, { token: owner })).status).toBe(204);
    const revoked = await tokenize();
    expect(revoked.status).toBe(403);
    expect(envelopeOf(revoked).code).toBe('forbidden');

    expect(
      (
        await api.request('POST', `/v2/projects/${project}/members`, {
          token: owner,
          body: { members: [{ user_name: 'rory', role: 'viewer' }] },
        })
      ).status,
    ).toBe(201);
    expect((await tokenize()).status).not.toBe(403);
    expect((await api.request('DELETE', `/v2/projects/${project}`, { token: owner })).status).toBe(204);
    expect((await tokenize()).status).toBe(404);
  });
});

describe('spaces through the official watsonx.ai SDK', () => {
  it('creates, reads, lists, updates and deletes a space', async () => {
    const token = await platform.api.newUser('sam');
    const wx = WatsonXAI.newInstance({
      version: '2024-05-31',
      serviceUrl: platform.url,
      authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
    });
    const created = await wx.createSpace({ name: 'deployments', description: 'prod space', tags: ['a'] });
    expect(created.status).toBe(201);
    const spaceId = created.result.metadata.id;
    expect(created.result.entity).toMatchObject({ name: 'deployments', status: { state: 'active' } });
    const got = await wx.getSpace({ spaceId, include: 'members' });
    expect(got.result.entity.members?.[0]).toMatchObject({ role: 'admin' });
    const listed = await wx.listSpaces({ limit: 10 });
    expect(listed.result.resources.map((s) => s.metadata.id)).toContain(spaceId);
    // More spaces than one page: the SDK's pager reads start from next.href and walks to the end, each space once.
    const more = [spaceId];
    for (const name of ['second', 'third']) more.push((await wx.createSpace({ name })).result.metadata.id);
    const walked = await new WatsonXAI.ListSpacesPager(wx, { limit: 2 }).getAll();
    expect(walked.map((s) => s.metadata.id)).toEqual(more);
    for (const id of more.slice(1)) await wx.deleteSpace({ spaceId: id });
    const updated = await wx.updateSpace({ spaceId, jsonPatch: [{ op: 'replace', path: '/description', value: 'renamed' }] });
    expect(updated.result.entity.description).toBe('renamed');
    await wx.deleteSpace({ spaceId });
    await expect(wx.getSpace({ spaceId })).rejects.toMatchObject({ status: 404 });
  });

  it('other users cannot see the space', async () => {
    const owner = await platform.api.newUser('sid');
    const other = await platform.api.newUser('stan');
    const created = await platform.api.request<{ metadata: { id: string } }>('POST', '/v2/spaces', {
      token: owner,
      body: { name: 'private' },
    });
    const wx = WatsonXAI.newInstance({
      version: '2024-05-31',
      serviceUrl: platform.url,
      authenticator: new BearerTokenAuthenticator({ bearerToken: other }),
    });
    await expect(wx.getSpace({ spaceId: created.body.metadata.id })).rejects.toMatchObject({ status: 403 });
    const badPatch = await platform.api.request('PATCH', `/v2/spaces/${created.body.metadata.id}`, {
      token: owner,
      body: [{ op: 'replace', path: '/owner', value: 'x' }],
    });
    expect(badPatch.status).toBe(400);
  });
});
