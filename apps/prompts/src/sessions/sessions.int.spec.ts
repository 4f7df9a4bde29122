import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, decodeErrorDetails, encodePageToken, unary, type GrpcServiceClient } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { promptsV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { createTestDatabase } from '@platform/test-fixtures';
import type { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPromptsService } from '../main';
import { PromptSessionEntryEntity } from './prompt-session-entry.entity';
import { PromptSessionEntity } from './prompt-session.entity';

let service: Awaited<ReturnType<typeof startPromptsService>>;
let client: GrpcServiceClient<promptsV1.PromptServiceClient>;
let api: promptsV1.PromptServiceClient;
let ds: DataSource;

beforeAll(async () => {
  const url = await createTestDatabase('prompt_sessions');
  const grpcPort = await freePort();
  Object.assign(process.env, { LOG_LEVEL: 'error', DATABASE_URL: url, PLATFORM_PROMPTS_MAX_CHAT_ITEMS: '4' });
  service = await startPromptsService({ grpcUrl: `127.0.0.1:${grpcPort}`, opsPort: await freePort() });
  client = connectGrpcService('prompts', promptsV1.PROMPT_SERVICE_NAME, { url: `127.0.0.1:${grpcPort}` });
  api = client.service;
  ds = new DataSource({
    type: 'postgres',
    url,
    schema: 'prompts',
    entities: [PromptSessionEntity, PromptSessionEntryEntity],
    extra: { max: 2 },
  });
  await ds.initialize();
});

afterAll(async () => {
  client?.close();
  await service?.close();
  await ds?.destroy();
});

/** The refusal of a call the test expects to fail. */
const failure = (call: Observable<unknown>) => grpcRefusal(unary(call));

const projectId = randomUUID();
const ann = { userId: 'ann', admin: false };
const bob = { userId: 'bob', admin: false };
const admin = { userId: 'root', admin: true };

const PROMPT = {
  model_id: 'ibm/granite-13b-chat-v2',
  model_parameters: { max_new_tokens: 50 },
  data: { instruction: 'Be brief.', input_prefix: 'Input:', output_prefix: 'Output:', examples: [['dogs', 'Dogs are loyal.']] },
};

/** A seed entry object (snake_case), as a new session's `prompts` carry them. */
const entryDoc = (name: string, createdAt: number, more: Record<string, unknown> = {}) => ({
  name,
  description: `about ${name}`,
  created_at: createdAt,
  prompt_variables: { topic: { default_value: 'cats' } },
  is_template: true,
  input_mode: 'structured',
  model_version: { number: '1.0.0' },
  prompt: PROMPT,
  ...more,
});

function sessionRequest(over: Partial<promptsV1.CreatePromptSessionRequest> = {}): promptsV1.CreatePromptSessionRequest {
  return { projectId, caller: ann, name: 'Session 1', description: 'My First Prompt Session', createdAt: 0, promptsJson: '', ...over };
}

async function createSession(over: Partial<promptsV1.CreatePromptSessionRequest> = {}): Promise<promptsV1.PromptSession> {
  return (await unary(api.createPromptSession(sessionRequest(over)))).session as promptsV1.PromptSession;
}

function entryRequest(
  sessionId: string,
  over: Partial<promptsV1.CreatePromptSessionEntryRequest> = {},
): promptsV1.CreatePromptSessionEntryRequest {
  return {
    projectId,
    sessionId,
    caller: ann,
    name: 'My Prompt',
    description: 'My First Prompt',
    createdAt: 0,
    promptVariablesJson: '',
    isTemplate: false,
    inputMode: 'freeform',
    modelVersionJson: '',
    promptJson: JSON.stringify(PROMPT),
    ...over,
  };
}

async function addEntry(
  sessionId: string,
  over: Partial<promptsV1.CreatePromptSessionEntryRequest> = {},
): Promise<promptsV1.PromptSessionEntry> {
  return (await unary(api.createPromptSessionEntry(entryRequest(sessionId, over)))).entry as promptsV1.PromptSessionEntry;
}

const ref = (sessionId: string) => ({ projectId, sessionId });
const lock = (id: string, caller: promptsV1.Caller, locked: boolean, more: Partial<promptsV1.UpdatePromptSessionLockRequest> = {}) =>
  api.updatePromptSessionLock({ ...ref(id), caller, locked, lockType: '', force: false, ...more });
const rename = (id: string, caller: promptsV1.Caller, name: string) => api.updatePromptSession({ ...ref(id), caller, name });
const chat = (id: string, entryId: string, caller: promptsV1.Caller, items: unknown[]) =>
  api.addPromptSessionEntryChatItems({ ...ref(id), entryId, caller, chatItemsJson: JSON.stringify(items) });
const list = (id: string, limit = 0, bookmark = '') => unary(api.listPromptSessionEntries({ ...ref(id), limit, bookmark }));
const sessionRow = (id: string) => ds.getRepository(PromptSessionEntity).findOneBy({ id });
const entryCount = (sessionId: string) => ds.getRepository(PromptSessionEntryEntity).countBy({ sessionId });

describe('prompt sessions', () => {
  it('creates a session with its entries, reads it with and without prefetch (the most recent entry), renames and deletes it with its entries', async () => {
    const s = await createSession({
      createdAt: 1711504485261,
      promptsJson: JSON.stringify([entryDoc('older', 1711504000000), entryDoc('newer', 1711505000000)]),
    });
    expect(s).toMatchObject({
      projectId,
      name: 'Session 1',
      description: 'My First Prompt Session',
      createdAt: 1711504485261,
      createdBy: 'ann',
      lastUpdatedBy: 'ann',
      lock: { locked: false, lockType: '', lockedBy: '' },
    });
    const given = JSON.parse(s.promptsJson) as Record<string, unknown>[];
    expect(given.map((e) => e.name)).toEqual(['older', 'newer']);
    expect(given[1]).toMatchObject({
      name: 'newer',
      description: 'about newer',
      created_at: 1711505000000,
      created_by: 'ann',
      prompt_variables: { topic: { default_value: 'cats' } },
      is_template: true,
      input_mode: 'structured',
      model_version: { number: '1.0.0' },
      prompt: PROMPT,
    });
    expect(typeof given[1].id).toBe('string');

    const plain = (await unary(api.getPromptSession({ ...ref(s.id), prefetch: false }))).session;
    expect(plain).toMatchObject({ id: s.id, name: 'Session 1', promptsJson: '' });
    const prefetched = (await unary(api.getPromptSession({ ...ref(s.id), prefetch: true }))).session as promptsV1.PromptSession;
    expect((JSON.parse(prefetched.promptsJson) as { id: string }[]).map((e) => e.id)).toEqual([given[1].id]);

    const renamed = (await unary(api.updatePromptSession({ ...ref(s.id), caller: bob, name: 'Session 2' }))).session;
    expect(renamed).toMatchObject({ name: 'Session 2', description: 'My First Prompt Session', createdBy: 'ann', lastUpdatedBy: 'bob' });
    const described = (await unary(api.updatePromptSession({ ...ref(s.id), caller: ann, description: '' }))).session;
    expect(described).toMatchObject({ name: 'Session 2', description: '' });

    expect(await entryCount(s.id)).toBe(2);
    await unary(api.deletePromptSession({ ...ref(s.id), caller: ann }));
    expect(await sessionRow(s.id)).toBeNull();
    expect(await entryCount(s.id)).toBe(0);
    expect(await failure(api.getPromptSession({ ...ref(s.id), prefetch: false }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'prompt_session_not_found',
    });
  });

  it('prefetch of a session without entries gives an empty list', async () => {
    const s = await createSession();
    expect(s.promptsJson).toBe('');
    expect((await unary(api.getPromptSession({ ...ref(s.id), prefetch: true }))).session?.promptsJson).toBe('[]');
  });

  it('finds a session only in its own project; unknown and malformed ids are 404', async () => {
    const s = await createSession();
    for (const req of [
      { projectId: randomUUID(), sessionId: s.id },
      { projectId, sessionId: randomUUID() },
      { projectId, sessionId: 'not-a-session' },
    ]) {
      expect(await failure(api.getPromptSession({ ...req, prefetch: false }))).toMatchObject({ errorCode: 'prompt_session_not_found' });
      expect(await failure(api.updatePromptSession({ ...req, caller: ann, name: 'x' }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
      expect(await failure(api.deletePromptSession({ ...req, caller: ann }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
      expect(await failure(api.listPromptSessionEntries({ ...req, limit: 0, bookmark: '' }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
      expect(await failure(api.createPromptSessionEntry(entryRequest(req.sessionId, { projectId: req.projectId })))).toMatchObject({
        code: GrpcStatus.NOT_FOUND,
      });
      expect(await failure(api.getPromptSessionLock(req))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    }
    expect(await sessionRow(s.id)).toMatchObject({ name: 'Session 1' });
  });

  it('refuses bad fields with a 400 naming each, and writes nothing', async () => {
    const cases: [Partial<promptsV1.CreatePromptSessionRequest>, string][] = [
      [{ projectId: '' }, 'project_id'],
      [{ projectId: 'not-a-uuid' }, 'project_id'],
      [{ name: 'two\nlines' }, 'name'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ description: 'd'.repeat(251) }, 'description'],
      [{ createdAt: -1 }, 'created_at'],
      [{ caller: { userId: '', admin: false } }, 'user_id'],
      [{ lock: { locked: true, lockType: 'exclusive', lockedBy: '' } }, 'lock_type'],
      [{ promptsJson: '{"name":"x"}' }, 'prompts'],
      [{ promptsJson: JSON.stringify(Array.from({ length: 51 }, (_, i) => entryDoc(`e${i}`, 0))) }, 'prompts'],
      [{ promptsJson: JSON.stringify([entryDoc('ok', 0), entryDoc('bad', 0, { prompt: { data: {} } })]) }, 'prompts[1].prompt.model_id'],
      [{ promptsJson: JSON.stringify([entryDoc('bad', 0, { input_mode: 'detached' })]) }, 'prompts[0].input_mode'],
      [{ promptsJson: JSON.stringify([entryDoc('bad', 0, { created_at: 'yesterday' })]) }, 'prompts[0].created_at'],
      [{ promptsJson: JSON.stringify([entryDoc('', 0)]) }, 'prompts[0].name'],
    ];
    const name = `refused ${randomUUID()}`;
    for (const [over, field] of cases)
      expect(await failure(api.createPromptSession(sessionRequest({ name, ...over }))), field).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field,
      });
    expect(await ds.getRepository(PromptSessionEntity).countBy({ name })).toBe(0);

    const s = await createSession();
    expect(await failure(api.updatePromptSession({ ...ref(s.id), caller: ann, name: 'x'.repeat(101) }))).toMatchObject({ field: 'name' });
    const entryCases: [Partial<promptsV1.CreatePromptSessionEntryRequest>, string][] = [
      [{ name: '' }, 'name'],
      [{ name: 'n'.repeat(251) }, 'name'],
      [{ description: 'd'.repeat(1001) }, 'description'],
      [{ inputMode: 'detached' }, 'input_mode'],
      [{ createdAt: 253_402_300_800_000 }, 'created_at'],
      [{ promptJson: '' }, 'prompt'],
      [{ promptJson: '{"model_id":"m"}' }, 'prompt.data'],
      [{ promptVariablesJson: '{"not a name":"x"}' }, 'prompt_variables.not a name'],
      [{ modelVersionJson: '{"number":"1.0"}' }, 'model_version.number'],
    ];
    for (const [over, field] of entryCases)
      expect(await failure(api.createPromptSessionEntry(entryRequest(s.id, over))), field).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field,
      });
    expect(await entryCount(s.id)).toBe(0);
  });
});

describe('prompt session entries', () => {
  it('adds, reads and deletes an entry; unknown entries and those of another session are 404', async () => {
    const s = await createSession();
    const other = await createSession();
    const e = await addEntry(s.id, { caller: bob, createdAt: 1711504485261, promptVariablesJson: '{"topic":"cats"}', isTemplate: true });
    expect(e).toMatchObject({
      sessionId: s.id,
      name: 'My Prompt',
      description: 'My First Prompt',
      createdAt: 1711504485261,
      createdBy: 'bob',
      isTemplate: true,
      inputMode: 'freeform',
      promptVariablesJson: '{"topic":"cats"}',
    });
    expect(JSON.parse(e.promptJson)).toEqual(PROMPT);
    expect((await sessionRow(s.id))?.lastUpdatedBy).toBe('bob');
    // jsonb keeps the document, not its key order.
    const read = (await unary(api.getPromptSessionEntry({ ...ref(s.id), entryId: e.id }))).entry as promptsV1.PromptSessionEntry;
    expect({ ...read, promptJson: JSON.parse(read.promptJson) as unknown }).toEqual({ ...e, promptJson: PROMPT });

    for (const [sessionId, entryId] of [
      [other.id, e.id],
      [s.id, randomUUID()],
      [s.id, 'not-an-entry'],
    ]) {
      expect(await failure(api.getPromptSessionEntry({ ...ref(sessionId), entryId }))).toMatchObject({
        code: GrpcStatus.NOT_FOUND,
        errorCode: 'prompt_session_entry_not_found',
      });
      expect(await failure(api.deletePromptSessionEntry({ ...ref(sessionId), entryId, caller: ann }))).toMatchObject({
        errorCode: 'prompt_session_entry_not_found',
      });
      expect(await failure(chat(sessionId, entryId, ann, [{ type: 'question', content: 'hi' }]))).toMatchObject({
        errorCode: 'prompt_session_entry_not_found',
      });
    }
    expect(await entryCount(s.id)).toBe(1);

    await unary(api.deletePromptSessionEntry({ ...ref(s.id), entryId: e.id, caller: ann }));
    expect(await entryCount(s.id)).toBe(0);
    expect(await failure(api.getPromptSessionEntry({ ...ref(s.id), entryId: e.id }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
  });

  it('pages entries newest first: 20 by default, then the rest with the bookmark; any limit walks every entry once', async () => {
    const s = await createSession();
    const base = 1_700_000_000_000;
    // Two entries share each time, so the order needs the id as its tie-break.
    for (let i = 0; i < 25; i++) await addEntry(s.id, { name: `entry ${i}`, createdAt: base + Math.floor(i / 2) * 1000 });
    const expected = (
      await ds.getRepository(PromptSessionEntryEntity).find({ where: { sessionId: s.id }, order: { createdAt: 'DESC', id: 'DESC' } })
    ).map((r) => r.id);

    const first = await list(s.id);
    expect(first.entries.map((e) => e.id)).toEqual(expected.slice(0, 20));
    expect(first.bookmark).not.toBe('');
    const second = await list(s.id, 0, first.bookmark);
    expect(second.entries.map((e) => e.id)).toEqual(expected.slice(20));
    expect(second.bookmark).toBe('');

    const walked: string[] = [];
    let bookmark = '';
    do {
      const page = await list(s.id, 7, bookmark);
      expect(page.entries.length).toBeLessThanOrEqual(7);
      walked.push(...page.entries.map((e) => e.id));
      bookmark = page.bookmark;
    } while (bookmark);
    expect(walked).toEqual(expected);

    // An entry added while a client pages does not shift the entries still to come.
    const page1 = await list(s.id, 10);
    await addEntry(s.id, { name: 'newest', createdAt: base + 60_000 });
    expect((await list(s.id, 10, page1.bookmark)).entries.map((e) => e.id)).toEqual(expected.slice(10, 20));
  });

  it('refuses a limit outside 1-100 and a bookmark it did not hand out, naming them', async () => {
    const s = await createSession();
    await addEntry(s.id);
    expect(await failure(api.listPromptSessionEntries({ ...ref(s.id), limit: 101, bookmark: '' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'limit',
    });
    expect(await failure(api.listPromptSessionEntries({ ...ref(s.id), limit: -1, bookmark: '' }))).toMatchObject({ field: 'limit' });
    for (const bookmark of ['not a bookmark!', encodePageToken(['yesterday', 'nobody']), encodePageToken(['x'])])
      expect(await failure(api.listPromptSessionEntries({ ...ref(s.id), limit: 0, bookmark })), bookmark).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: 'bookmark',
      });
  });

  it('appends chat items to an entry’s prompt in order, up to the configured bound, checking each', async () => {
    const s = await createSession();
    const e = await addEntry(s.id, { promptJson: JSON.stringify({ ...PROMPT, chat_items: [{ type: 'question', content: 'first' }] }) });
    await unary(chat(s.id, e.id, bob, [{ type: 'answer', content: 'second', status: 'ready', timestamp: 1711504485261 }]));
    const stored = (await unary(api.getPromptSessionEntry({ ...ref(s.id), entryId: e.id }))).entry as promptsV1.PromptSessionEntry;
    expect((JSON.parse(stored.promptJson) as { chat_items: unknown[] }).chat_items).toEqual([
      { type: 'question', content: 'first' },
      { type: 'answer', content: 'second', status: 'ready', timestamp: 1711504485261 },
    ]);
    expect(stored).toMatchObject({ name: e.name, createdAt: e.createdAt, lastUpdatedBy: 'bob' });

    expect(await failure(chat(s.id, e.id, ann, [{ type: 'shout' }]))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'chat_items[0].type',
    });
    expect(await failure(chat(s.id, e.id, ann, []))).toMatchObject({ field: 'chat_items' });
    expect(await failure(chat(s.id, e.id, ann, [{}, {}, {}]))).toMatchObject({ field: 'chat_items' });
  });

  it('concurrent chat items all land (the session row lock serialises them)', async () => {
    const s = await createSession();
    const e = await addEntry(s.id);
    const results = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((content) => unary(chat(s.id, e.id, ann, [{ content }]))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    const stored = (await unary(api.getPromptSessionEntry({ ...ref(s.id), entryId: e.id }))).entry as promptsV1.PromptSessionEntry;
    expect((JSON.parse(stored.promptJson) as { chat_items: unknown[] }).chat_items).toHaveLength(4);
  });
});

describe('prompt session locks', () => {
  it('keeps other users out while one holds the lock: 409 prompt_session_locked, and the holder can still change it', async () => {
    const s = await createSession();
    const e = await addEntry(s.id);
    expect((await unary(lock(s.id, ann, true))).lock).toEqual({ locked: true, lockType: 'edit', lockedBy: 'ann' });
    expect((await unary(api.getPromptSessionLock(ref(s.id)))).lock).toEqual({ locked: true, lockType: 'edit', lockedBy: 'ann' });
    expect((await unary(api.getPromptSession({ ...ref(s.id), prefetch: false }))).session?.lock).toEqual({
      locked: true,
      lockType: 'edit',
      lockedBy: 'ann',
    });

    const locked = { code: GrpcStatus.ABORTED, errorCode: 'prompt_session_locked' };
    expect(await failure(rename(s.id, bob, 'Bob was here'))).toMatchObject(locked);
    expect(await failure(api.deletePromptSession({ ...ref(s.id), caller: bob }))).toMatchObject(locked);
    expect(await failure(api.createPromptSessionEntry(entryRequest(s.id, { caller: bob })))).toMatchObject(locked);
    expect(await failure(api.deletePromptSessionEntry({ ...ref(s.id), entryId: e.id, caller: bob }))).toMatchObject(locked);
    expect(await failure(chat(s.id, e.id, bob, [{ type: 'question' }]))).toMatchObject(locked);
    expect(await failure(lock(s.id, bob, true))).toMatchObject(locked);
    expect(await failure(lock(s.id, bob, false))).toMatchObject(locked);
    expect(await sessionRow(s.id)).toMatchObject({ name: 'Session 1', lastUpdatedBy: 'ann' });
    expect(await entryCount(s.id)).toBe(1);

    // Reading stays open to everyone.
    expect((await list(s.id)).entries).toHaveLength(1);
    expect((await unary(rename(s.id, ann, 'Ann edits'))).session?.name).toBe('Ann edits');
    await addEntry(s.id, { caller: ann });
    await unary(lock(s.id, ann, false));
    expect((await unary(rename(s.id, bob, 'Bob edits'))).session?.name).toBe('Bob edits');
  });

  it('lets the creator or an admin force another user’s lock, and no one else', async () => {
    const s = await createSession();
    await unary(lock(s.id, bob, true));
    expect(await failure(lock(s.id, { userId: 'carl', admin: false }, false, { force: true }))).toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
      field: 'force',
    });
    expect((await unary(lock(s.id, admin, true, { force: true }))).lock).toMatchObject({ lockedBy: 'root' });
    expect((await unary(lock(s.id, ann, false, { force: true }))).lock).toEqual({ locked: false, lockType: '', lockedBy: '' });
  });

  it('a session created locked is held by its creator', async () => {
    const s = await createSession({ lock: { locked: true, lockType: 'governance', lockedBy: 'someone else' } });
    expect(s.lock).toEqual({ locked: true, lockType: 'governance', lockedBy: 'ann' });
    expect(await failure(rename(s.id, bob, 'x'))).toMatchObject({ errorCode: 'prompt_session_locked' });
  });

  it('blocks deletion under a governance lock until it is released, and keeps the entries', async () => {
    const s = await createSession();
    await addEntry(s.id);
    await unary(lock(s.id, ann, true, { lockType: 'governance' }));
    // The status follows the prompts' one lock code (prompts/prompt-lock.ts); the error code names the cause.
    expect(await failure(api.deletePromptSession({ ...ref(s.id), caller: ann }))).toMatchObject({
      errorCode: 'prompt_session_governance_locked',
    });
    expect(await entryCount(s.id)).toBe(1);
    await unary(lock(s.id, ann, false));
    await unary(api.deletePromptSession({ ...ref(s.id), caller: ann }));
    expect(await entryCount(s.id)).toBe(0);
  });

  it('refuses an unknown lock type, naming it', async () => {
    const s = await createSession();
    expect(await failure(lock(s.id, ann, true, { lockType: 'exclusive' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'lock_type',
    });
  });

  it('two users racing to lock and change the same session: exactly one wins, the other gets prompt_session_locked', async () => {
    for (let round = 0; round < 5; round++) {
      const s = await createSession();
      const lockThenRename = async (caller: promptsV1.Caller) => {
        await unary(lock(s.id, caller, true));
        return unary(rename(s.id, caller, `renamed by ${caller.userId}`));
      };
      const results = await Promise.allSettled([lockThenRename(ann), lockThenRename(bob)]);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(decodeErrorDetails((lost[0].reason as { details?: string }).details)?.code).toBe('prompt_session_locked');
      const row = await sessionRow(s.id);
      expect(row?.name).toBe(`renamed by ${row?.lockedBy}`);
    }
  });

  it('ten users racing for one lock: exactly one holds it', async () => {
    const s = await createSession();
    const users = Array.from({ length: 10 }, (_, i) => ({ userId: `u${i}`, admin: false }));
    const results = await Promise.allSettled(users.map((u) => unary(lock(s.id, u, true))));
    const won = results.filter((r): r is PromiseFulfilledResult<promptsV1.UpdatePromptSessionLockResponse> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(won[0].value.lock?.lockedBy).toBe((await unary(api.getPromptSessionLock(ref(s.id)))).lock?.lockedBy);
  });
});
