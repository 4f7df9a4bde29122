import OpenAI from 'openai';
import { waitFor } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, postJson, startTestServer } from './testing/harness';

/** Opens a long stream and resolves once its first event has arrived (the sequence is running). */
async function openLongStream(url: string, abort: AbortController): Promise<void> {
  const res = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'long', max_tokens: 2000, temperature: 0, stream: true }),
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  await reader.read();
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      /* aborted */
    }
  })();
}

describe('error responses', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('400 for a body that is not JSON, in vLLM shape', async () => {
    const res = await postJson(`${t.url}/v1/completions`, '{"prompt": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { message: expect.stringMatching(/^JSON decode error/), type: 'BadRequestError', param: null, code: 400 },
    });
  });

  it('400 naming the field for wrong types and out-of-range values', async () => {
    const wrongType = await postJson(`${t.url}/v1/completions`, { prompt: 'x', temperature: 'hot' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toEqual({
      error: { message: 'temperature must be a number, got "hot"', type: 'BadRequestError', param: 'temperature', code: 400 },
    });
    const range = await postJson(`${t.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], top_p: 0 });
    expect(range.body).toEqual({
      error: { message: 'top_p must be in (0, 1], got 0.', type: 'BadRequestError', param: 'top_p', code: 400 },
    });
    const noPrompt = await postJson(`${t.url}/v1/completions`, { max_tokens: 3 });
    expect((noPrompt.body as { error: { param: string } }).error.param).toBe('prompt');
    const opts = await postJson(`${t.url}/v1/completions`, { prompt: 'x', stream_options: { include_usage: true } });
    expect((opts.body as { error: { message: string } }).error.message).toBe('Stream options can only be defined when `stream=True`.');
    const messages = await postJson(`${t.url}/v1/chat/completions`, { messages: 'hi' });
    expect(messages.status).toBe(400);
  });

  it('400 for more sequences in one request than the engine queues at once, before planning any of them', async () => {
    // n alone sized the plan list: a billion choices ran the server out of memory before the queue limit answered.
    const started = performance.now();
    const huge = await postJson(`${t.url}/v1/completions`, { prompt: 'x', n: 1_000_000_000, max_tokens: 1 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(huge.status).toBe(400);
    expect(huge.body).toEqual({
      error: {
        message: 'n=1000000000 for 1 prompt(s) asks for 1000000000 sequences; this server runs at most 256 per request.',
        type: 'BadRequestError',
        param: 'n',
        code: 400,
      },
    });
    const chat = await postJson(`${t.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], n: 257 });
    expect((chat.body as { error: { param: string } }).error.param).toBe('n');
    const prompts = await postJson(`${t.url}/v1/completions`, { prompt: ['a', 'b'], n: 129, max_tokens: 1 });
    expect(prompts.status).toBe(400);
    // Counted before any of them is tokenized.
    const many = await postJson(`${t.url}/v1/completions`, { prompt: Array.from({ length: 300 }, () => 'a'), max_tokens: 1 });
    expect((many.body as { error: { message: string } }).error.message).toBe(
      'n=1 for 300 prompt(s) asks for 300 sequences; this server runs at most 256 per request.',
    );
    const fits = await postJson(`${t.url}/v1/completions`, { prompt: ['a', 'b'], n: 16, max_tokens: 1 });
    expect(fits.status).toBe(200);
    expect((fits.body as { choices: unknown[] }).choices).toHaveLength(32);
  });

  it('400 for more embedding inputs than one request may hold, before tokenizing any', async () => {
    // One input per 4 bytes of the 64 MiB body: every one of them was a sequence with its own state.
    const started = performance.now();
    const res = await postJson(`${t.url}/v1/embeddings`, { input: Array.from({ length: 200_000 }, () => 'a') });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message: 'input holds 200000 items; at most 2048 are embedded per request.',
        type: 'BadRequestError',
        param: 'input',
        code: 400,
      },
    });
    const fits = await postJson(`${t.url}/v1/embeddings`, { input: Array.from({ length: 2048 }, () => 'a') });
    expect(fits.status).toBe(200);
    expect((fits.body as { data: unknown[] }).data).toHaveLength(2048);
  });

  it('404 NotFoundError for an unknown model', async () => {
    const res = await postJson(`${t.url}/v1/chat/completions`, { model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { message: 'The model `gpt-5` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } });
  });

  it('400 when the prompt does not fit the context', async () => {
    const long = 'x'.repeat(2100);
    const res = await postJson(`${t.url}/v1/completions`, { prompt: long });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message:
          "This model's maximum context length is 2048 tokens. However, you requested 2101 tokens in the prompt, Please reduce the length of the prompt.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
    const tooMany = await postJson(`${t.url}/v1/completions`, { prompt: 'abc', max_tokens: 2046 });
    expect((tooMany.body as { error: { message: string } }).error.message).toContain(
      'you requested 2050 tokens (4 in the prompt, 2046 in the completion)',
    );
  });

  it('surfaces as typed errors in the openai client', async () => {
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const notFound = await client.completions.create({ model: 'nope', prompt: 'x' }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect((notFound as InstanceType<typeof OpenAI.NotFoundError>).message).toContain('The model `nope` does not exist.');
    const bad = await client.chat.completions
      .create({ model: 'tiny-llama', messages: [{ role: 'user', content: 'x' }], n: 0 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('422 validation errors on TGI routes, in TGI shape', async () => {
    const temp = await postJson(`${t.url}/generate`, { inputs: 'x', parameters: { temperature: 0 } });
    expect(temp.status).toBe(422);
    expect(temp.body).toEqual({ error: 'Input validation error: `temperature` must be strictly positive', error_type: 'validation' });
    const long = await postJson(`${t.url}/generate`, { inputs: 'x'.repeat(2100) });
    expect(long.status).toBe(422);
    expect(long.body).toEqual({
      error: 'Input validation error: `inputs` must have less than 2047 tokens. Given: 2101',
      error_type: 'validation',
    });
    const total = await postJson(`${t.url}/generate`, { inputs: 'abc', parameters: { max_new_tokens: 2046 } });
    expect(total.body).toEqual({
      error:
        'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048. Given: 4 `inputs` tokens and 2046 `max_new_tokens`',
      error_type: 'validation',
    });
    const stream = await postJson(`${t.url}/generate_stream`, { inputs: 'x', parameters: { decoder_input_details: true } });
    expect(stream.status).toBe(422);
    expect(stream.body).toEqual({
      error: 'Input validation error: `decoder_input_details` == true is not supported when streaming tokens',
      error_type: 'validation',
    });
    const notJson = await postJson(`${t.url}/generate`, 'nope');
    expect(notJson.status).toBe(422);
    expect((notJson.body as { error_type: string }).error_type).toBe('validation');
    const wrongType = await postJson(`${t.url}/generate`, { inputs: 'x', parameters: { max_new_tokens: 'many' } });
    expect(wrongType.status).toBe(422);
  });

  it('answers unknown routes with 404', async () => {
    expect((await fetch(`${t.url}/v1/nothing`)).status).toBe(404);
  });
});

describe('429 when over capacity', () => {
  it('maps the engine refusing work (EngineOverloadedError) to 429 in both dialects', async () => {
    // One sequence at a time and one waiting: a third request is refused by the engine.
    const t = await startTestServer({ engine: { maxNumSeqs: 1, maxWaiting: 1 } });
    const running = new AbortController();
    const waiting = new AbortController();
    try {
      await openLongStream(t.url, running);
      void openLongStream(t.url, waiting).catch(() => undefined);
      await waitFor(() => t.model.stats().waiting === 1);
      const openai = await postJson(`${t.url}/v1/completions`, { prompt: 'x', max_tokens: 2 });
      expect(openai.status).toBe(429);
      expect(openai.body).toEqual({ error: { message: 'Model is overloaded', type: 'TooManyRequestsError', param: null, code: 429 } });
      const tgi = await postJson(`${t.url}/generate`, { inputs: 'x', parameters: { max_new_tokens: 2 } });
      expect(tgi.status).toBe(429);
      expect(tgi.body).toEqual({ error: 'Model is overloaded', error_type: 'overloaded' });
      const stream = await postJson(`${t.url}/generate_stream`, { inputs: 'x', parameters: { max_new_tokens: 2 } });
      expect(stream.status).toBe(429);
      const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const err = await client.chat.completions
        .create({ model: 'tiny-llama', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    } finally {
      running.abort();
      waiting.abort();
      await t.stop();
    }
  });

  it('refuses requests beyond max_concurrent_requests with 429', async () => {
    const t = await startTestServer({ server: { maxConcurrentRequests: 1 } });
    const running = new AbortController();
    try {
      await openLongStream(t.url, running);
      const openai = await postJson(`${t.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
      expect(openai.status).toBe(429);
      expect(openai.body).toEqual({ error: { message: 'Model is overloaded', type: 'TooManyRequestsError', param: null, code: 429 } });
      const tgi = await postJson(`${t.url}/generate`, { inputs: 'x', parameters: { max_new_tokens: 2 } });
      expect(tgi.status).toBe(429);
      expect(tgi.body).toEqual({ error: 'Model is overloaded', error_type: 'overloaded' });
      running.abort();
      // The slot comes back once the aborted request has finished: polled (a refusal meanwhile is fine), since a
      // fixed pause after the engine went idle races with the server's own bookkeeping on a busy machine.
      await waitFor(
        async () => (await postJson(`${t.url}/generate`, { inputs: 'x', parameters: { max_new_tokens: 2 } })).status === 200,
        30_000,
      );
    } finally {
      running.abort();
      await t.stop();
    }
  });
});
