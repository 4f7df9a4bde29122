import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, postJson, startTestServer } from './testing/harness';

/** One word far beyond the tiny model's 2,048-token context: its ids once overflowed the tokenizer's stack (a 500). */
const WORD = 'a'.repeat(200_000);

/** The real engine server over HTTP, with the tiny model: byte-level, one token per byte, 2,048 tokens of context. */
describe('engine server: input far beyond the context length', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('refuses a 200,000-character word with the context-length 400 on the generation routes, before tokenizing it', async () => {
    const tooLong = (what: string) =>
      expect.stringMatching(
        new RegExp(`^This model's maximum context length is 2048 tokens\\. However, you requested at least \\d+ tokens in the ${what}`),
      );
    const chat = await postJson(`${t.url}/v1/chat/completions`, { messages: [{ role: 'user', content: WORD }], max_tokens: 1 });
    expect(chat.status).toBe(400);
    expect(chat.body).toEqual({ error: { message: tooLong('messages'), type: 'BadRequestError', param: null, code: 400 } });
    const completion = await postJson(`${t.url}/v1/completions`, { prompt: WORD, max_tokens: 1 });
    expect(completion.status).toBe(400);
    expect(completion.body).toMatchObject({ error: { message: tooLong('prompt'), type: 'BadRequestError' } });
    const embedding = await postJson(`${t.url}/v1/embeddings`, { input: [WORD] });
    expect(embedding.status).toBe(400);
    expect(embedding.body).toMatchObject({ error: { message: tooLong('input'), type: 'BadRequestError' } });
    const tgi = await postJson(`${t.url}/generate`, { inputs: WORD, parameters: { max_new_tokens: 1 } });
    expect(tgi.status).toBe(422);
    expect(tgi.body).toEqual({
      error: expect.stringMatching(/^Input validation error: `inputs` must have less than 2047 tokens\. Given: at least \d+$/),
      error_type: 'validation',
    });
  });

  it('still truncates an over-long prompt when asked to, tokenizing all of it', async () => {
    const res = await postJson(`${t.url}/v1/completions`, { prompt: WORD, max_tokens: 1, truncate_prompt_tokens: 100 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ usage: { prompt_tokens: 100, completion_tokens: 1 } });
  });

  it('counts the tokens of a 200,000-character word on /tokenize, as vLLM does for any length', async () => {
    const res = await postJson(`${t.url}/tokenize`, { prompt: WORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ count: 200_001, max_model_len: 2048 });
  });

  it("gives TGI's token spans of a 200,000-character word (once quadratic: 20,000 characters took 20 s)", async () => {
    const res = await postJson(`${t.url}/tokenize`, { inputs: WORD });
    expect(res.status).toBe(200);
    const spans = res.body as { id: number; text: string; start: number; stop: number }[];
    expect(spans).toHaveLength(200_001); // BOS and one token per byte
    expect(spans[0]).toEqual({ id: 257, text: '', start: 0, stop: 0 });
    expect(spans[200_000]).toEqual({ id: 97, text: 'a', start: 199_999, stop: 200_000 });
  });
});
