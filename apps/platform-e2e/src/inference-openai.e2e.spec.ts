import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { E2E_TINY_MODEL } from './support/tiny-model-size';

const MODEL = 'platform/tiny-llama';

let platform: TestPlatform;
let openai: OpenAI;
let projectId: string;

beforeAll(async () => {
  platform = await startTestPlatform({ engineModel: MODEL });
  const token = await platform.api.newUser('olive');
  projectId = await platform.api.newProject(token, 'openai');
  openai = new OpenAI({ apiKey: token, baseURL: `${platform.url}/openai/v1`, project: projectId, maxRetries: 0 });
});
afterAll(async () => platform?.stop());

describe('OpenAI-compatible routes through the official openai client', () => {
  it('lists models', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);
  });

  it('completes, unary and streaming, with the same greedy text', async () => {
    const res = await openai.completions.create({ model: MODEL, prompt: 'Hello', max_tokens: 4, temperature: 0 });
    expect(res.choices[0]).toMatchObject({ index: 0, finish_reason: 'length' });
    expect(res.usage).toMatchObject({ completion_tokens: 4 });
    const stream = await openai.completions.create({
      model: MODEL,
      prompt: 'Hello',
      max_tokens: 4,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(res.choices[0].text);
    expect(usage?.completion_tokens).toBe(4);
  });

  it('chats, unary and streaming', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];
    const res = await openai.chat.completions.create({ model: MODEL, messages, max_tokens: 3, temperature: 0 });
    expect(res).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      choices: [{ message: { role: 'assistant' }, finish_reason: 'length' }],
    });
    const stream = await openai.chat.completions.create({ model: MODEL, messages, max_tokens: 3, temperature: 0, stream: true });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? '';
    expect(content).toBe(res.choices[0].message.content);
  });

  it('embeds (base64 by default in the client, floats on request)', async () => {
    const res = await openai.embeddings.create({ model: MODEL, input: ['a', 'b'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0].embedding).toHaveLength(E2E_TINY_MODEL.hiddenSize);
    const floats = await openai.embeddings.create({ model: MODEL, input: 'a', encoding_format: 'float' });
    expect(floats.data[0].embedding[0]).toBeCloseTo(res.data[0].embedding[0], 5);
  });

  it('rejects unknown models and callers without a token', async () => {
    await expect(
      openai.chat.completions.create({ model: 'nobody/model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404 });
    const anonymous = new OpenAI({ apiKey: 'not-a-token', baseURL: `${platform.url}/openai/v1`, maxRetries: 0 });
    await expect(anonymous.models.list()).rejects.toMatchObject({ status: 401 });
  });
});
