import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { E2E_TINY_MODEL } from './support/tiny-model-size';

const MODEL = 'platform/tiny-llama';

let platform: TestPlatform;
let openai: OpenAI;
let projectId: string;

beforeAll(async () => {
  // One request at a time and no queue, so a second concurrent request meets the overload answer (429).
  platform = await startTestPlatform({
    engineModel: MODEL,
    env: { PLATFORM_INFERENCE_MAX_CONCURRENCY: '1', PLATFORM_INFERENCE_MAX_QUEUE: '0' },
  });
  const token = await platform.api.newUser('olive');
  projectId = await platform.api.newProject(token, 'openai');
  openai = new OpenAI({ apiKey: token, baseURL: `${platform.url}/openai/v1`, project: projectId, maxRetries: 0 });
});
afterAll(async () => platform?.stop());

describe('OpenAI-compatible routes through the official openai client', () => {
  it('lists models, and retrieves one by its id', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);
    // The client sends the id with its slash as is; percent-encoded, it names the same model.
    expect(await openai.models.retrieve(MODEL)).toMatchObject({ id: MODEL, object: 'model', owned_by: 'platform' });
    expect(await openai.models.retrieve(encodeURIComponent(MODEL))).toMatchObject({ id: MODEL });
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
});

describe("errors in OpenAI's shape, read by the openai client into its typed errors", () => {
  const failure = async (call: Promise<unknown>) => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    return err as InstanceType<typeof OpenAI.APIError>;
  };

  it('a bad request is a BadRequestError naming the field as param', async () => {
    const err = await failure(openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], temperature: 5 }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'temperature', type: 'invalid_request_error' });
    expect(err.message).toMatch(/^400 temperature/);
    expect(err.request_id).toMatch(/\S/);
  });

  it('a request over 4 MiB (within the 10 MiB body limit) reaches the model and is refused for its length, not as an overload', async () => {
    // grpc-js refuses messages over 4 MiB unless told otherwise: this one used to come back as a retryable 429.
    const content = 'word '.repeat(500_000);
    const err = await failure(
      openai.chat.completions.create({
        model: MODEL,
        messages: [
          { role: 'user', content },
          { role: 'user', content },
        ],
        max_tokens: 1,
      }),
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toMatch(/maximum context length is \d+ tokens/);
  });

  it('retrieving a model that is not served is a NotFoundError with code model_not_found', async () => {
    for (const id of ['nobody/model', 'nobody']) {
      const err = await failure(openai.models.retrieve(id));
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
    }
  });

  it('a missing model is a NotFoundError with code model_not_found', async () => {
    const err = await failure(openai.chat.completions.create({ model: 'nobody/model', messages: [{ role: 'user', content: 'x' }] }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error', param: null });
    expect(err.message).toMatch(/nobody\/model/);
  });

  it('a caller without a valid token is an AuthenticationError with code invalid_api_key', async () => {
    const anonymous = new OpenAI({ apiKey: 'not-a-token', baseURL: `${platform.url}/openai/v1`, maxRetries: 0 });
    const err = await failure(anonymous.models.list());
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key', param: null });
  });

  it("a request past the model pool's capacity is a RateLimitError with code rate_limit_exceeded", async () => {
    const long = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Tell me a long story.' }],
      max_tokens: 1000,
      stream: true,
    });
    const chunks = long[Symbol.asyncIterator]();
    await chunks.next();
    const err = await failure(openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }));
    long.controller.abort();
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
  });
});
