import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, decodeErrorDetails, unary, type GrpcServiceClient } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { promptsV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { createTestDatabase } from '@platform/test-fixtures';
import type { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPromptsService } from '../main';
import { PromptEntity } from './prompt.entity';

let service: Awaited<ReturnType<typeof startPromptsService>>;
let client: GrpcServiceClient<promptsV1.PromptServiceClient>;
let api: promptsV1.PromptServiceClient;
let ds: DataSource;
let opsPort: number;

beforeAll(async () => {
  const url = await createTestDatabase('prompts_api');
  const grpcPort = await freePort();
  Object.assign(process.env, { LOG_LEVEL: 'error', DATABASE_URL: url, PLATFORM_PROMPTS_MAX_CHAT_ITEMS: '3' });
  opsPort = await freePort();
  service = await startPromptsService({ grpcUrl: `127.0.0.1:${grpcPort}`, opsPort });
  client = connectGrpcService('prompts', promptsV1.PROMPT_SERVICE_NAME, { url: `127.0.0.1:${grpcPort}` });
  api = client.service;
  ds = new DataSource({ type: 'postgres', url, schema: 'prompts', entities: [PromptEntity], extra: { max: 2 } });
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
  model_parameters: { max_new_tokens: 50, decoding_method: 'greedy', ui_only_setting: true },
  input: [['Write about {topic}.', '']],
  data: { instruction: 'Be {tone}.', input_prefix: 'Input:', output_prefix: 'Output:', examples: [['dogs', 'Dogs are loyal.']] },
};

function createRequest(over: Partial<promptsV1.CreatePromptRequest> = {}): promptsV1.CreatePromptRequest {
  return {
    projectId,
    spaceId: '',
    caller: ann,
    name: 'My Prompt',
    description: 'My First Prompt',
    createdAt: 0,
    taskIds: ['generation'],
    modelVersionJson: JSON.stringify({ number: '2.0.0-rc.7', tag: 'tag', description: 'd' }),
    promptVariablesJson: JSON.stringify({ topic: { default_value: 'cats' }, tone: {} }),
    inputMode: 'structured',
    promptJson: JSON.stringify(PROMPT),
    ...over,
  };
}

async function create(over: Partial<promptsV1.CreatePromptRequest> = {}): Promise<promptsV1.Prompt> {
  const { prompt } = await unary(api.createPrompt(createRequest(over)));
  return prompt as promptsV1.Prompt;
}

const ref = (id: string) => ({ projectId, spaceId: '', promptId: id });
const lock = (id: string, caller: promptsV1.Caller, locked: boolean, more: Partial<promptsV1.UpdatePromptLockRequest> = {}) =>
  api.updatePromptLock({ ...ref(id), caller, locked, lockType: '', force: false, ...more });
const rename = (id: string, caller: promptsV1.Caller, name: string) => api.updatePrompt({ ...ref(id), caller, name });

describe('the prompts service process', () => {
  it('reports healthy', async () => {
    expect((await fetch(`http://127.0.0.1:${opsPort}/health`)).status).toBe(200);
  });
});

describe('prompts', () => {
  it('creates, reads (model parameters restricted on request), updates and deletes a prompt', async () => {
    const p = await create();
    expect(p).toMatchObject({
      projectId,
      name: 'My Prompt',
      createdBy: 'ann',
      lastUpdatedBy: 'ann',
      taskIds: ['generation'],
      inputMode: 'structured',
      isTemplate: true,
      lock: { locked: false, lockType: '', lockedBy: '' },
    });
    expect(JSON.parse(p.promptJson)).toEqual(PROMPT);

    const restricted = await unary(api.getPrompt({ ...ref(p.id), restrictModelParameters: true }));
    expect(JSON.parse(restricted.prompt?.promptJson ?? '').model_parameters).toEqual({ max_new_tokens: 50, decoding_method: 'greedy' });

    const { prompt: updated } = await unary(
      api.updatePrompt({ ...ref(p.id), caller: bob, name: 'Renamed', taskIds: { values: [] }, inputMode: 'freeform' }),
    );
    expect(updated).toMatchObject({
      name: 'Renamed',
      description: 'My First Prompt',
      taskIds: [],
      inputMode: 'freeform',
      lastUpdatedBy: 'bob',
    });

    await unary(api.deletePrompt({ ...ref(p.id), caller: bob }));
    expect(await failure(api.getPrompt({ ...ref(p.id), restrictModelParameters: false }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      errorCode: 'prompt_not_found',
    });
  });

  it('finds a prompt only in its own container', async () => {
    const p = await create();
    const other = { projectId: randomUUID(), spaceId: '', promptId: p.id };
    expect((await failure(api.getPrompt({ ...other, restrictModelParameters: false }))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await failure(api.getPrompt({ projectId, spaceId: '', promptId: 'nope', restrictModelParameters: false }))).code).toBe(
      GrpcStatus.NOT_FOUND,
    );
  });

  it.each([
    ['both targets', { spaceId: randomUUID() }, 'space_id'],
    ['no target', { projectId: '' }, 'project_id'],
    ['a project id that is no uuid', { projectId: 'P1' }, 'project_id'],
    ['an empty name', { name: ' ' }, 'name'],
    ['two task ids', { taskIds: ['a', 'b'] }, 'task_ids'],
    ['an unknown input mode', { inputMode: 'poetry' }, 'input_mode'],
    ['a model version that is no semantic version', { modelVersionJson: '{"number":"v2"}' }, 'model_version.number'],
    ['prompt_variables that are no object', { promptVariablesJson: '["a"]' }, 'prompt_variables'],
    ['no prompt', { promptJson: '' }, 'prompt'],
    ['a prompt that is not JSON', { promptJson: '{' }, 'prompt'],
    ['a prompt without model_id', { promptJson: JSON.stringify({ data: {} }) }, 'prompt.model_id'],
    ['a prompt without data', { promptJson: JSON.stringify({ model_id: 'm' }) }, 'prompt.data'],
    ['examples that are no pairs', { promptJson: JSON.stringify({ model_id: 'm', data: { examples: [[1, 2]] } }) }, 'prompt.data.examples'],
    [
      'a chat item of an unknown type',
      { promptJson: JSON.stringify({ model_id: 'm', data: {}, chat_items: [{ type: 'shout' }] }) },
      'prompt.chat_items[0].type',
    ],
    [
      'external information without its ids',
      { promptJson: JSON.stringify({ model_id: 'm', data: {}, external_information: {} }) },
      'prompt.external_information.external_prompt_id',
    ],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_, over, field) => {
    const before = await ds.getRepository(PromptEntity).count();
    expect(await failure(api.createPrompt(createRequest(over)))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
    expect(await ds.getRepository(PromptEntity).count()).toBe(before);
  });

  it('allows only structured and freeform on PATCH, as the seed does', async () => {
    const p = await create();
    expect(await failure(api.updatePrompt({ ...ref(p.id), caller: ann, inputMode: 'chat' }))).toMatchObject({ field: 'input_mode' });
  });
});

describe('prompt locks', () => {
  it('keeps other users out while one holds the lock: 409 prompt_locked, and the holder can still change it', async () => {
    const p = await create();
    expect((await unary(lock(p.id, ann, true))).lock).toEqual({ locked: true, lockType: 'edit', lockedBy: 'ann' });
    expect((await unary(api.getPromptLock(ref(p.id)))).lock).toEqual({ locked: true, lockType: 'edit', lockedBy: 'ann' });

    expect(await failure(rename(p.id, bob, 'Bob was here'))).toMatchObject({ code: GrpcStatus.ABORTED, errorCode: 'prompt_locked' });
    expect(await failure(api.deletePrompt({ ...ref(p.id), caller: bob }))).toMatchObject({ errorCode: 'prompt_locked' });
    expect(await failure(api.addPromptChatItems({ ...ref(p.id), caller: bob, chatItemsJson: '[{"type":"question"}]' }))).toMatchObject({
      errorCode: 'prompt_locked',
    });
    expect(await failure(lock(p.id, bob, true))).toMatchObject({ errorCode: 'prompt_locked' });
    expect(await failure(lock(p.id, bob, false))).toMatchObject({ errorCode: 'prompt_locked' });
    expect((await ds.getRepository(PromptEntity).findOneByOrFail({ id: p.id })).name).toBe('My Prompt');

    expect((await unary(rename(p.id, ann, 'Ann edits'))).prompt?.name).toBe('Ann edits');
    await unary(lock(p.id, ann, false));
    expect((await unary(rename(p.id, bob, 'Bob edits'))).prompt?.name).toBe('Bob edits');
  });

  it('lets the creator or an admin force another user’s lock, and no one else', async () => {
    const p = await create();
    await unary(lock(p.id, bob, true));
    expect(await failure(lock(p.id, { userId: 'carl', admin: false }, false, { force: true }))).toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
      field: 'force',
    });
    expect((await unary(lock(p.id, admin, true, { force: true }))).lock).toMatchObject({ lockedBy: 'root' });
    expect((await unary(lock(p.id, ann, false, { force: true }))).lock).toEqual({ locked: false, lockType: '', lockedBy: '' });
  });

  it('blocks deletion under a governance lock until it is released', async () => {
    const p = await create();
    await unary(lock(p.id, ann, true, { lockType: 'governance' }));
    expect(await failure(api.deletePrompt({ ...ref(p.id), caller: ann }))).toMatchObject({
      code: GrpcStatus.ABORTED,
      errorCode: 'prompt_governance_locked',
    });
    await unary(lock(p.id, ann, false));
    await unary(api.deletePrompt({ ...ref(p.id), caller: ann }));
  });

  it('refuses an unknown lock type, naming it', async () => {
    const p = await create();
    expect(await failure(lock(p.id, ann, true, { lockType: 'exclusive' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'lock_type',
    });
  });

  it('two users racing to lock and change the same prompt: exactly one wins, the other gets prompt_locked', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await create();
      const lockThenRename = async (caller: promptsV1.Caller) => {
        await unary(lock(p.id, caller, true));
        return unary(rename(p.id, caller, `renamed by ${caller.userId}`));
      };
      const results = await Promise.allSettled([lockThenRename(ann), lockThenRename(bob)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(decodeErrorDetails((lost[0].reason as { details?: string }).details)?.code).toBe('prompt_locked');
      const row = await ds.getRepository(PromptEntity).findOneByOrFail({ id: p.id });
      expect(row.name).toBe(`renamed by ${row.lockedBy}`);
    }
  });

  it('ten users racing for one lock: exactly one holds it', async () => {
    const p = await create();
    const users = Array.from({ length: 10 }, (_, i) => ({ userId: `u${i}`, admin: false }));
    const results = await Promise.allSettled(users.map((u) => unary(lock(p.id, u, true))));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const holder = (await unary(api.getPromptLock(ref(p.id)))).lock?.lockedBy;
    expect((won[0] as PromiseFulfilledResult<promptsV1.UpdatePromptLockResponse>).value.lock?.lockedBy).toBe(holder);
  });
});

describe('rendering', () => {
  it('POST …/input: the structured prompt with its variables, from the request then the defaults', async () => {
    const p = await create();
    const { input } = await unary(api.getPromptInput({ ...ref(p.id), promptVariablesJson: '{"tone":"brief"}' }));
    expect(input).toBe('Be brief.\n\nInput: dogs\nOutput: Dogs are loyal.\n\nInput: Write about cats.\nOutput:');
    const over = await unary(
      api.getPromptInput({ ...ref(p.id), input: 'Tell me of {topic}', promptVariablesJson: '{"tone":"x","topic":"owls"}' }),
    );
    expect(over.input).toMatch(/Input: Tell me of owls\nOutput:$/);
  });

  it('a variable without value or default is a 400 naming it', async () => {
    const p = await create();
    expect(await failure(api.getPromptInput({ ...ref(p.id), promptVariablesJson: '{}' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'prompt_variables.tone',
      message: 'Missing prompt variables without a default: tone.',
    });
  });

  it('RenderPrompt gives the text, the template model and its inference parameters', async () => {
    const p = await create({ inputMode: 'freeform' });
    const r = await unary(api.renderPrompt({ ...ref(p.id), input: '', promptVariablesJson: '{"topic":"bees"}' }));
    expect(r).toEqual({
      text: 'Write about bees.',
      modelId: 'ibm/granite-13b-chat-v2',
      modelParametersJson: JSON.stringify({ max_new_tokens: 50, decoding_method: 'greedy' }),
    });
  });
});

describe('chat items', () => {
  it('appends chat items, up to the configured bound', async () => {
    const p = await create();
    const items = [
      { type: 'question', content: 'Hi', status: 'ready', timestamp: 1711504485261 },
      { type: 'answer', content: 'Hello', status: 'ready', timestamp: 1711504485262 },
    ];
    await unary(api.addPromptChatItems({ ...ref(p.id), caller: ann, chatItemsJson: JSON.stringify(items) }));
    const { prompt } = await unary(api.getPrompt({ ...ref(p.id), restrictModelParameters: false }));
    expect(JSON.parse(prompt?.promptJson ?? '').chat_items).toEqual(items);
    expect(await failure(api.addPromptChatItems({ ...ref(p.id), caller: ann, chatItemsJson: JSON.stringify(items) }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'chat_items',
    });
    expect(await failure(api.addPromptChatItems({ ...ref(p.id), caller: ann, chatItemsJson: '[{"status":"lost"}]' }))).toMatchObject({
      field: 'chat_items[0].status',
    });
  });
});

describe('search', () => {
  it('pages the container’s prompts newest first with a bookmark', async () => {
    const space = randomUUID();
    for (const name of ['a', 'b', 'c']) await create({ projectId: '', spaceId: space, name });
    const first = await unary(api.searchPrompts({ projectId: '', spaceId: space, name: '', limit: 2, bookmark: '' }));
    expect(first.prompts.map((p) => p.name)).toEqual(['c', 'b']);
    expect(first.totalRows).toBe(3);
    const second = await unary(api.searchPrompts({ projectId: '', spaceId: space, name: '', limit: 2, bookmark: first.bookmark }));
    expect(second.prompts.map((p) => p.name)).toEqual(['a']);
    expect(second.bookmark).toBe('');
    const byName = await unary(api.searchPrompts({ projectId: '', spaceId: space, name: 'b', limit: 0, bookmark: '' }));
    expect(byName.prompts.map((p) => p.name)).toEqual(['b']);
  });
});
