import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Prompts and prompt sessions through the official watsonx.ai SDK (which sends them to /wx/v1/… and lists prompts
 * with the asset search), the seed's own /v1/… paths answering alike, bad input as 400 envelopes naming the field,
 * membership roles, and two users racing to lock and change one prompt: exactly one wins.
 */
const VERSION = '2024-05-31';

let platform: TestPlatform;
let owner: string;
let projectId: string;
let wx: WatsonXAI;

const sdk = (token: string) =>
  WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });

/** A structured template: an instruction with a variable and its default, one example, prefixes. */
const TEMPLATE = {
  model_id: 'ibm/granite-13b-chat-v2',
  model_parameters: { decoding_method: 'greedy', max_new_tokens: 20 },
  data: {
    instruction: 'Answer {tone}ly.',
    input_prefix: 'Q:',
    output_prefix: 'A:',
    examples: [['What is 1+1?', '2']],
  },
};

async function addMember(project: string, userName: string, role: 'viewer' | 'editor' | 'admin'): Promise<void> {
  const res = await platform.api.request('POST', `/v2/projects/${project}/members`, {
    token: owner,
    body: { members: [{ user_name: userName, role }] },
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  platform = await startTestPlatform();
  owner = await platform.api.newUser('prue');
  projectId = await platform.api.newProject(owner, 'prompts');
  wx = sdk(owner);
}, 300_000);
afterAll(async () => platform?.stop());

describe('prompts through the official SDK', () => {
  let promptId: string;

  it('creates a template and reads it back at the SDK’s path and the seed’s', async () => {
    const created = await wx.createPrompt({
      projectId,
      name: 'Tone template',
      description: 'e2e',
      taskIds: ['generation'],
      modelVersion: { number: '1.0.0', tag: 'first' },
      promptVariables: { tone: 'brief' },
      inputMode: 'structured',
      prompt: TEMPLATE,
    });
    expect(created.status).toBe(201);
    promptId = created.result.id!;
    expect(created.result).toMatchObject({
      name: 'Tone template',
      description: 'e2e',
      task_ids: ['generation'],
      input_mode: 'structured',
      model_version: { number: '1.0.0', tag: 'first' },
      lock: { locked: false },
      prompt: { model_id: TEMPLATE.model_id, data: TEMPLATE.data },
    });
    expect(typeof created.result.created_at).toBe('number');

    const got = await wx.getPrompt({ projectId, promptId });
    expect(got.result).toMatchObject({ id: promptId, name: 'Tone template', prompt: { data: TEMPLATE.data } });
    const seedPath = await platform.api.request('GET', `/v1/prompts/${promptId}?project_id=${projectId}`, { token: owner });
    expect(seedPath.status).toBe(200);
    expect(seedPath.body).toEqual(got.result);
  });

  it('renders the input with variables from the request, then the defaults', async () => {
    const withDefault = await wx.getPromptInput({ projectId, promptId, input: 'What is 2+2?' });
    expect(withDefault.result.input).toContain('Answer briefly.');
    expect(withDefault.result.input).toContain('What is 2+2?');
    const given = await wx.getPromptInput({ projectId, promptId, input: 'Why?', promptVariables: { tone: 'polite' } });
    expect(given.result.input).toContain('Answer politely.');
  });

  it('updates, adds chat items, locks and unlocks', async () => {
    const updated = await wx.updatePrompt({ projectId, promptId, name: 'Renamed', prompt: TEMPLATE, inputMode: 'freeform' });
    expect(updated.result).toMatchObject({ id: promptId, name: 'Renamed', input_mode: 'freeform' });

    const chat = await wx.createPromptChatItem({ projectId, promptId, chatItem: [{ type: 'question', content: 'hi', status: 'ready' }] });
    expect(chat.status).toBeLessThan(300);
    const afterChat = await wx.getPrompt({ projectId, promptId });
    expect(afterChat.result.prompt.chat_items).toEqual([expect.objectContaining({ type: 'question', content: 'hi' })]);

    const locked = await wx.updatePromptLock({ projectId, promptId, locked: true, lockType: 'edit' });
    expect(locked.result).toMatchObject({ locked: true, lock_type: 'edit' });
    expect((await wx.getPromptLock({ projectId, promptId })).result).toEqual(locked.result);
    expect((await wx.updatePromptLock({ projectId, promptId, locked: false })).result).toEqual({ locked: false });
  });

  it('lists prompts through the asset search, page by page', async () => {
    const second = await wx.createPrompt({ projectId, name: 'Second', prompt: { model_id: 'm', data: {} } });
    const all = await new WatsonXAI.ListPromptsPager(wx, { projectId, limit: 1 }).getAll();
    expect(all.map((a) => a.metadata.asset_id)).toEqual([second.result.id, promptId]);
    expect(all[1]).toMatchObject({ metadata: { name: 'Renamed', asset_type: 'wx_prompt' }, entity: { wx_prompt: { id: promptId } } });
    const byName = await wx.listPrompts({ projectId, limit: 10 });
    expect(byName.result.total_rows).toBe(2);
    await wx.deletePrompt({ projectId, promptId: second.result.id! });
  });

  it('deletes, after which the prompt is a 404 at both paths', async () => {
    const deleted = await wx.deletePrompt({ projectId, promptId });
    expect(deleted.status).toBe(204);
    await expect(wx.getPrompt({ projectId, promptId })).rejects.toMatchObject({ status: 404 });
    const gone = await platform.api.request('GET', `/v1/prompts/${promptId}?project_id=${projectId}`, { token: owner });
    expect(gone.status).toBe(404);
    envelopeOf(gone);
  });
});

describe('prompt sessions through the official SDK', () => {
  const entry = (name: string, createdAt: number) => ({ name, createdAt, prompt: { model_id: 'm', data: { instruction: name } } });

  it('creates a session with entries, pages them, reads, changes, locks and deletes', async () => {
    const created = await wx.createPromptSession({
      projectId,
      name: 'Session 1',
      description: 'experiments',
      prompts: [{ name: 'first', created_at: 1711504485261, prompt: { model_id: 'm', data: { instruction: 'first' } } }],
    });
    expect(created.status).toBe(201);
    const sessionId = created.result.id!;
    expect(created.result).toMatchObject({ name: 'Session 1', description: 'experiments', lock: { locked: false } });

    const second = await wx.createPromptSessionEntry({ projectId, sessionId, ...entry('second', 1711504485262), inputMode: 'chat' });
    expect(second.status).toBe(201);
    expect(second.result).toMatchObject({ name: 'second', input_mode: 'chat', prompt: { data: { instruction: 'second' } } });
    const third = await wx.createPromptSessionEntry({ projectId, sessionId, ...entry('third', 1711504485263) });

    const prefetched = await wx.getPromptSession({ projectId, sessionId, prefetch: true });
    expect(prefetched.result.prompts?.map((p) => p.name)).toEqual(['third']);

    const names: string[] = [];
    let bookmark: string | undefined;
    do {
      const page = await wx.listPromptSessionEntries({ projectId, sessionId, limit: '2', ...(bookmark ? { bookmark } : {}) });
      names.push(...(page.result.results ?? []).map((r) => r.name!));
      bookmark = page.result.bookmark;
    } while (bookmark);
    expect(names).toEqual(['third', 'second', 'first']);

    const got = await wx.getPromptSessionEntry({ projectId, sessionId, entryId: third.result.id! });
    expect(got.result).toMatchObject({ id: third.result.id, name: 'third', prompt: { model_id: 'm' } });
    await wx.createPromptSessionEntryChatItem({
      projectId,
      sessionId,
      entryId: third.result.id!,
      chatItem: [{ type: 'answer', content: 'ok' }],
    });
    const withChat = await wx.getPromptSessionEntry({ projectId, sessionId, entryId: third.result.id! });
    expect(withChat.result.prompt.chat_items).toEqual([expect.objectContaining({ type: 'answer', content: 'ok' })]);

    const renamed = await wx.updatePromptSession({ projectId, sessionId, name: 'Session 2' });
    expect(renamed.result).toMatchObject({ id: sessionId, name: 'Session 2', description: 'experiments' });
    const seedPath = await platform.api.request<{ name: string }>('GET', `/v1/prompt_sessions/${sessionId}?project_id=${projectId}`, {
      token: owner,
    });
    expect(seedPath.body.name).toBe('Session 2');

    expect((await wx.updatePromptSessionLock({ projectId, sessionId, locked: true })).result).toMatchObject({ locked: true });
    expect((await wx.getPromptSessionLock({ projectId, sessionId })).result).toMatchObject({ locked: true, lock_type: 'edit' });
    await wx.updatePromptSessionLock({ projectId, sessionId, locked: false });

    await wx.deletePromptSessionEntry({ projectId, sessionId, entryId: second.result.id! });
    await expect(wx.getPromptSessionEntry({ projectId, sessionId, entryId: second.result.id! })).rejects.toMatchObject({ status: 404 });
    expect((await wx.deletePromptSession({ projectId, sessionId })).status).toBe(204);
    await expect(wx.getPromptSession({ projectId, sessionId })).rejects.toMatchObject({ status: 404 });
  });
});

describe('bad input', () => {
  it('is a 400 envelope naming the field, at either path', async () => {
    const q = `?project_id=${projectId}`;
    const cases: [string, string, unknown, string][] = [
      ['POST', `/wx/v1/prompts${q}`, { prompt: TEMPLATE }, 'name'],
      ['POST', `/v1/prompts${q}`, { name: 'x' }, 'prompt'],
      ['POST', `/v1/prompts${q}`, { name: 'x', prompt: { ...TEMPLATE, model_id: '' } }, 'prompt.model_id'],
      ['POST', `/v1/prompts${q}`, { name: 'x', prompt: TEMPLATE, input_mode: 'poetry' }, 'input_mode'],
      ['POST', `/v1/prompts${q}`, { name: 'x', prompt: TEMPLATE, model_version: { number: 'v1' } }, 'model_version.number'],
      ['POST', `/v1/prompts${q}`, { name: 'x', prompt: TEMPLATE, prompt_variables: { 'not a name': 'x' } }, 'prompt_variables.not a name'],
      ['POST', `/v1/prompts`, { name: 'x', prompt: TEMPLATE }, 'project_id'],
      ['POST', `/v1/prompts${q}&space_id=${projectId}`, { name: 'x', prompt: TEMPLATE }, 'space_id'],
      ['GET', `/wx/v1/prompts/not_an_id${q}`, undefined, 'prompt_id'],
      [
        'GET',
        `/v1/prompts/00000000-0000-4000-8000-000000000000${q}&restrict_model_parameters=maybe`,
        undefined,
        'restrict_model_parameters',
      ],
      ['POST', `/v1/prompts/00000000-0000-4000-8000-000000000000/chat_items${q}`, { type: 'question', content: 'x' }, 'chat_items'],
      ['POST', `/v2/asset_types/wx_prompt/search${q}`, { query: 'asset.asset_type:notebook' }, 'query'],
      ['POST', `/wx/v1/prompt_sessions${q}`, { name: 'n'.repeat(101) }, 'name'],
      ['POST', `/v1/prompt_sessions`, { name: 's' }, 'project_id'],
      ['GET', `/v1/prompt_sessions/00000000-0000-4000-8000-000000000000/entries${q}&limit=0`, undefined, 'limit'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await platform.api.request(method, path, { token: owner, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(envelopeOf(res).target?.name, `${method} ${path}`).toBe(field);
    }
    const unknown = await platform.api.request('GET', `/wx/v1/prompts/00000000-0000-4000-8000-000000000000${q}`, { token: owner });
    expect(unknown.status).toBe(404);
    envelopeOf(unknown);
  });
});

describe('roles and locks', () => {
  it('viewers read, editors write, outsiders are refused', async () => {
    const viewer = await platform.api.newUser('vera');
    const outsider = await platform.api.newUser('otto');
    await addMember(projectId, 'vera', 'viewer');
    const p = await wx.createPrompt({ projectId, name: 'Shared', prompt: TEMPLATE });
    expect((await sdk(viewer).getPrompt({ projectId, promptId: p.result.id! })).result.name).toBe('Shared');
    await expect(sdk(viewer).updatePrompt({ projectId, promptId: p.result.id!, name: 'x', prompt: TEMPLATE })).rejects.toMatchObject({
      status: 403,
    });
    await expect(sdk(outsider).getPrompt({ projectId, promptId: p.result.id! })).rejects.toMatchObject({ status: 403 });
  });

  it('two users racing to lock and change one prompt: exactly one wins, the other gets 409 prompt_locked', async () => {
    const ann = await platform.api.newUser('ann');
    const bob = await platform.api.newUser('bob');
    await addMember(projectId, 'ann', 'editor');
    await addMember(projectId, 'bob', 'editor');
    for (let round = 0; round < 3; round++) {
      const { result } = await wx.createPrompt({ projectId, name: `Race ${round}`, prompt: TEMPLATE });
      const promptId = result.id!;
      const lockThenRename = async (token: string, who: string) => {
        const client = sdk(token);
        await client.updatePromptLock({ projectId, promptId, locked: true });
        return client.updatePrompt({ projectId, promptId, name: `renamed by ${who}`, prompt: TEMPLATE });
      };
      const results = await Promise.allSettled([lockThenRename(ann, 'ann'), lockThenRename(bob, 'bob')]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toMatchObject({ status: 409 });
      expect(JSON.parse((lost[0].reason as { body: string }).body)).toMatchObject({ errors: [{ code: 'prompt_locked' }] });
      const final = (await wx.getPrompt({ projectId, promptId })).result;
      expect(final.name).toBe(`renamed by ${final.lock?.locked_by === (await whoami(ann)) ? 'ann' : 'bob'}`);
      // The project's admin may force the lock; deletion then succeeds.
      await wx.updatePromptLock({ projectId, promptId, locked: false, force: true });
      expect((await wx.deletePrompt({ projectId, promptId })).status).toBe(204);
    }
  });

  it('a governance lock blocks deletion until it is released', async () => {
    const { result } = await wx.createPrompt({ projectId, name: 'Governed', prompt: TEMPLATE });
    await wx.updatePromptLock({ projectId, promptId: result.id!, locked: true, lockType: 'governance' });
    const refused = await wx.deletePrompt({ projectId, promptId: result.id! }).catch((e: { status: number; body: string }) => e);
    expect(refused).toMatchObject({ status: 409 });
    expect(JSON.parse((refused as { body: string }).body)).toMatchObject({ errors: [{ code: 'prompt_governance_locked' }] });
    await wx.updatePromptLock({ projectId, promptId: result.id!, locked: false });
    expect((await wx.deletePrompt({ projectId, promptId: result.id! })).status).toBe(204);
  });
});

async function whoami(token: string): Promise<string> {
  return (await platform.api.request<{ id: string }>('GET', '/v2/users/me', { token })).body.id;
}
