import 'reflect-metadata';
import { ValidationPipe, type Type } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../http/request-validation.error';
import { CreatePromptRequest, PromptInputRequest, PromptLockRequest, UpdatePromptRequest } from './prompt.dto';
import { CreatePromptSessionRequest, PromptSessionEntryRequest, UpdatePromptSessionRequest } from './prompt-session.dto';
import { chatItemsOf } from './prompt-request';
import { promptSearchFilter } from './prompt-search';

/** The gateway's global pipe (create-gateway.ts). */
const pipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
});
const validate = (dto: Type<unknown>, body: unknown) => pipe.transform(body, { type: 'body', metatype: dto });
async function refusedFields(run: Promise<unknown>, what: unknown): Promise<string[]> {
  const err: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, JSON.stringify(what)).toBeInstanceOf(RequestValidationError);
  return [...new Set((err as RequestValidationError).issues.map((i) => i.field))];
}

/** What the SDK's createPrompt sends for a structured template with examples, a lock, a version and variables. */
const PROMPT = {
  name: 'My Prompt',
  description: 'My First Prompt',
  created_at: 1711504485261,
  task_ids: ['generation'],
  lock: { locked: true, lock_type: 'edit', locked_by: 'IBMid-000000YYY0' },
  model_version: { number: '2.0.0-rc.7', tag: 'tag', description: 'Description of the model version.' },
  prompt_variables: { name: 'world' },
  input_mode: 'structured',
  prompt: {
    input: [['Some text', '']],
    model_id: 'ibm/granite-13b-chat-v2',
    model_parameters: { decoding_method: 'greedy', max_new_tokens: 50 },
    data: { instruction: 'Greet {name}.', input_prefix: 'Input:', output_prefix: 'Output:', examples: [['a', 'b']] },
    chat_items: [{ type: 'question', content: 'hi', status: 'ready', timestamp: 1711504485261 }],
    external_information: {
      external_prompt_id: 'p',
      external_model_id: 'm',
      external_model_provider: 'x',
      external_model: { name: 'n', url: 'u' },
    },
  },
};

describe('prompt bodies', () => {
  it("accept the SDK's create, update, lock and input bodies as sent", async () => {
    expect(await validate(CreatePromptRequest, PROMPT)).toEqual(PROMPT);
    const patch = { id: 'x', name: 'Renamed', governance_tracked: true, input_mode: 'freeform', prompt: { model_id: 'm', data: {} } };
    expect(await validate(UpdatePromptRequest, patch)).toEqual(patch);
    expect(await validate(PromptLockRequest, { locked: false })).toEqual({ locked: false });
    expect(await validate(PromptInputRequest, { input: 'x {a}', prompt_variables: { a: 'b' } })).toEqual({
      input: 'x {a}',
      prompt_variables: { a: 'b' },
    });
  });

  it('refuse what breaks the seed, naming the field', async () => {
    const cases: [Type<unknown>, unknown, string][] = [
      [CreatePromptRequest, { ...PROMPT, name: '' }, 'name'],
      [CreatePromptRequest, { ...PROMPT, prompt: undefined }, 'prompt'],
      [CreatePromptRequest, { ...PROMPT, prompt: { ...PROMPT.prompt, model_id: 7 } }, 'prompt.model_id'],
      [CreatePromptRequest, { ...PROMPT, prompt: { ...PROMPT.prompt, data: 'x' } }, 'prompt.data'],
      [CreatePromptRequest, { ...PROMPT, prompt: { ...PROMPT.prompt, data: { examples: [['a', 1]] } } }, 'prompt.data.examples'],
      [
        CreatePromptRequest,
        { ...PROMPT, prompt: { ...PROMPT.prompt, chat_items: [{ type: 'statement', content: 'x' }] } },
        'prompt.chat_items.0.type',
      ],
      [
        CreatePromptRequest,
        { ...PROMPT, prompt: { ...PROMPT.prompt, model_parameters: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } } },
        'prompt.model_parameters',
      ],
      [
        CreatePromptRequest,
        { ...PROMPT, prompt: { ...PROMPT.prompt, external_information: { external_prompt_id: 'p', external_model_provider: 'x' } } },
        'prompt.external_information.external_model_id',
      ],
      [CreatePromptRequest, { ...PROMPT, input_mode: 'poetry' }, 'input_mode'],
      [CreatePromptRequest, { ...PROMPT, task_ids: ['a', 'b'] }, 'task_ids'],
      [CreatePromptRequest, { ...PROMPT, model_version: { number: '1.0' } }, 'model_version.number'],
      [CreatePromptRequest, { ...PROMPT, lock: { locked: true, lock_type: 'forever' } }, 'lock.lock_type'],
      [CreatePromptRequest, { ...PROMPT, prompt_variables: [] }, 'prompt_variables'],
      [CreatePromptRequest, { ...PROMPT, created_at: 1e20 }, 'created_at'],
      [UpdatePromptRequest, { input_mode: 'chat' }, 'input_mode'],
      [PromptLockRequest, { lock_type: 'edit' }, 'locked'],
      [PromptInputRequest, { prompt_variables: { a: 1 } }, 'prompt_variables'],
    ];
    for (const [dto, body, field] of cases) expect(await refusedFields(validate(dto, body), body), JSON.stringify(body)).toEqual([field]);
  });

  it('chat items are a non-empty JSON array of items, each problem named by its index', async () => {
    expect(await chatItemsOf([{ type: 'answer', content: 'x', extra: 1 }])).toEqual([{ type: 'answer', content: 'x' }]);
    await expect(chatItemsOf({ type: 'answer', content: 'x' })).rejects.toMatchObject({ target: { name: 'chat_items' } });
    expect(await refusedFields(chatItemsOf([]), [])).toEqual(['chat_items']);
    expect(await refusedFields(chatItemsOf([{ type: 'answer', content: 'x' }, { type: 'answer' }]), 'missing content')).toEqual([
      'chat_items.1.content',
    ]);
  });
});

describe('prompt session bodies', () => {
  const ENTRY = { name: 'My Prompt', created_at: 1711504485261, prompt: { model_id: 'm', data: { instruction: 'i' } }, input_mode: 'chat' };

  it("accept the SDK's session and entry bodies", async () => {
    const session = { name: 'Session 1', description: 'My First Prompt Session', lock: { locked: false }, prompts: [ENTRY] };
    expect(await validate(CreatePromptSessionRequest, session)).toEqual(session);
    expect(await validate(PromptSessionEntryRequest, ENTRY)).toEqual(ENTRY);
    expect(await validate(UpdatePromptSessionRequest, { name: '' })).toEqual({ name: '' });
  });

  it('refuse a name over 100 characters or over two lines, a description over 250, more than 50 entries, a detached entry', async () => {
    const cases: [Type<unknown>, unknown, string][] = [
      [CreatePromptSessionRequest, { name: 'n'.repeat(101) }, 'name'],
      [CreatePromptSessionRequest, { name: 'a\nb' }, 'name'],
      [UpdatePromptSessionRequest, { description: 'd'.repeat(251) }, 'description'],
      [CreatePromptSessionRequest, { name: 's', prompts: Array.from({ length: 51 }, () => ENTRY) }, 'prompts'],
      [CreatePromptSessionRequest, { name: 's', prompts: [{ ...ENTRY, prompt: undefined }] }, 'prompts.0.prompt'],
      [PromptSessionEntryRequest, { ...ENTRY, input_mode: 'detached' }, 'input_mode'],
    ];
    for (const [dto, body, field] of cases)
      expect(await refusedFields(validate(dto, body), body), JSON.stringify(body).slice(0, 200)).toEqual([field]);
  });
});

describe('promptSearchFilter', () => {
  it("reads the SDK's query, *:* and a name, and refuses anything else naming query", () => {
    expect(promptSearchFilter(undefined)).toEqual({ name: '' });
    expect(promptSearchFilter('asset.asset_type:wx_prompt')).toEqual({ name: '' });
    expect(promptSearchFilter('asset.asset_type:wx_prompt AND asset.name:"My \\"Prompt\\""')).toEqual({ name: 'My "Prompt"' });
    expect(promptSearchFilter('*:* AND asset.name:plain')).toEqual({ name: 'plain' });
    for (const q of [
      'asset.asset_type:notebook',
      'asset.name:a AND asset.name:b',
      'asset.description:x',
      'asset.asset_type:wx_prompt OR *:*',
    ])
      expect(() => promptSearchFilter(q), q).toThrow(expect.objectContaining({ target: { type: 'field', name: 'query' } }));
  });
});
