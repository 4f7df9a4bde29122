import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, postJson, sseData, startTestServer } from './testing/harness';

/** The official `openai` client against the server with a real (tiny, random) engine behind it. */
describe('OpenAI-compatible API', () => {
  let t: TestServer;
  let client: OpenAI;

  beforeAll(async () => {
    t = await startTestServer();
    client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => t.stop());

  it('lists the served model', async () => {
    const models = await client.models.list();
    expect(models.data).toHaveLength(1);
    expect(models.data[0]).toMatchObject({ id: 'tiny-llama', object: 'model', owned_by: 'vllm', max_model_len: 2048 });
  });

  it('completes text with usage, finish and stop reasons', async () => {
    const res = await client.completions.create({ model: 'tiny-llama', prompt: 'Hello', max_tokens: 5, temperature: 0 });
    expect(res.id).toMatch(/^cmpl-/);
    expect(res.object).toBe('text_completion');
    expect(res.model).toBe('tiny-llama');
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]).toMatchObject({ index: 0, finish_reason: 'length', logprobs: null });
    expect((res.choices[0] as unknown as { stop_reason: unknown }).stop_reason).toBeNull();
    expect(res.choices[0].text.length).toBeGreaterThan(0);
    // "Hello" is 5 bytes plus BOS.
    expect(res.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 });
  });

  it('tokenizes a batch of prompts in one call, each as the single form would', async () => {
    const texts = ['Hello', 'a longer text', ''];
    const batch = await postJson(`${t.url}/tokenize`, { model: 'tiny-llama', prompt: texts, return_token_strs: true });
    expect(batch.status).toBe(200);
    const body = batch.body as { max_model_len: number; results: { count: number; tokens: number[]; token_strs: string[] | null }[] };
    expect(body.max_model_len).toBe(2048);
    expect(body.results).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      const single = (await postJson(`${t.url}/tokenize`, { model: 'tiny-llama', prompt: text, return_token_strs: true })).body as {
        count: number;
        tokens: number[];
        token_strs: string[];
      };
      expect(body.results[i]).toEqual({ count: single.count, tokens: single.tokens, token_strs: single.token_strs });
    }
    for (const prompt of [[], ['a', 1]]) expect((await postJson(`${t.url}/tokenize`, { prompt })).status).toBe(400);
  });

  it('is deterministic under greedy decoding and reports a stop token as stop_reason', async () => {
    const a = await client.completions.create({ model: 'tiny-llama', prompt: [1, 2, 3], max_tokens: 4, temperature: 0 });
    const ids = await postJson(`${t.url}/tokenize`, { prompt: a.choices[0].text, add_special_tokens: false });
    const second = (ids.body as { tokens: number[] }).tokens[1];
    const b = await client.completions.create({
      model: 'tiny-llama',
      prompt: [1, 2, 3],
      max_tokens: 4,
      temperature: 0,
      // vLLM extras pass through the client's body as unknown keys
      ...({ stop_token_ids: [second] } as object),
    });
    expect(b.choices[0].finish_reason).toBe('stop');
    expect((b.choices[0] as unknown as { stop_reason: unknown }).stop_reason).toBe(second);
    expect(a.choices[0].text.startsWith(b.choices[0].text)).toBe(true);
  });

  it('stops at a stop string, with and without include_stop_str_in_output', async () => {
    const free = await client.completions.create({ model: 'tiny-llama', prompt: 'abc', max_tokens: 6, temperature: 0 });
    const stop = free.choices[0].text.slice(2, 3);
    const cut = await client.completions.create({ model: 'tiny-llama', prompt: 'abc', max_tokens: 6, temperature: 0, stop: [stop] });
    expect(cut.choices[0].finish_reason).toBe('stop');
    expect((cut.choices[0] as unknown as { stop_reason: unknown }).stop_reason).toBe(stop);
    expect(cut.choices[0].text).not.toContain(stop);
    const kept = await client.completions.create({
      model: 'tiny-llama',
      prompt: 'abc',
      max_tokens: 6,
      temperature: 0,
      stop: [stop],
      ...({ include_stop_str_in_output: true } as object),
    });
    expect(kept.choices[0].text).toBe(cut.choices[0].text + stop);
  });

  it('serves n choices over several prompts, seeded, with echo', async () => {
    const res = await client.completions.create({ model: 'tiny-llama', prompt: ['one', 'two'], n: 2, max_tokens: 3, seed: 7, echo: true });
    expect(res.choices.map((c) => c.index).sort()).toEqual([0, 1, 2, 3]);
    const byIndex = new Map(res.choices.map((c) => [c.index, c.text]));
    expect(byIndex.get(0)!.startsWith('one')).toBe(true);
    expect(byIndex.get(3)!.startsWith('two')).toBe(true);
    expect(res.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 12 });
    const again = await client.completions.create({
      model: 'tiny-llama',
      prompt: ['one', 'two'],
      n: 2,
      max_tokens: 3,
      seed: 7,
      echo: true,
    });
    expect(new Map(again.choices.map((c) => [c.index, c.text]))).toEqual(byIndex);
  });

  it('returns completion logprobs with top alternatives and text offsets', async () => {
    const res = await client.completions.create({ model: 'tiny-llama', prompt: 'Hi', max_tokens: 3, temperature: 0, logprobs: 2 });
    const lp = res.choices[0].logprobs!;
    expect(lp.tokens).toHaveLength(3);
    expect(lp.token_logprobs).toHaveLength(3);
    expect(lp.text_offset).toEqual([0, lp.tokens![0].length, lp.tokens![0].length + lp.tokens![1].length]);
    for (const [i, top] of lp.top_logprobs!.entries()) {
      expect(Object.keys(top).length).toBeGreaterThanOrEqual(2);
      expect(top[lp.tokens![i]]).toBeCloseTo(lp.token_logprobs![i], 5);
      expect(lp.token_logprobs![i]).toBeLessThanOrEqual(0);
    }
    expect(lp.tokens!.join('')).toBe(res.choices[0].text);

    // echo: the prompt tokens come first (BOS without a logprob), offsets index the echoed text
    const echoed = await client.completions.create({
      model: 'tiny-llama',
      prompt: 'Hi',
      max_tokens: 2,
      temperature: 0,
      logprobs: 1,
      echo: true,
    });
    const elp = echoed.choices[0].logprobs!;
    expect(elp.tokens!.slice(0, 3)).toEqual(['<s>', 'H', 'i']);
    expect(elp.token_logprobs![0]).toBeNull();
    expect(elp.text_offset).toEqual([0, 0, 1, 2, 2 + elp.tokens![3].length]);
    expect(echoed.choices[0].text).toBe('Hi' + res.choices[0].text.slice(0, echoed.choices[0].text.length - 2));
  });

  it('streams completions with a final usage chunk and [DONE]', async () => {
    const stream = await client.completions.create({
      model: 'tiny-llama',
      prompt: 'Hello',
      max_tokens: 4,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 });
    const finishing = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishing).toHaveLength(1);
    expect(finishing[0].choices[0].finish_reason).toBe('length');
    const streamed = chunks.map((c) => c.choices[0]?.text ?? '').join('');
    const whole = await client.completions.create({ model: 'tiny-llama', prompt: 'Hello', max_tokens: 4, temperature: 0 });
    expect(streamed).toBe(whole.choices[0].text);
  });

  it('frames the stream exactly as vLLM does', async () => {
    const res = await fetch(`${t.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', max_tokens: 2, stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.startsWith('data: {')).toBe(true);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = sseData(text);
    expect(JSON.parse(events[0])).toMatchObject({ object: 'text_completion', usage: null });
    expect(JSON.parse(events[events.length - 2])).toMatchObject({ choices: [], usage: { completion_tokens: 2 } });
  });

  it('chats, with message, finish reason and usage', async () => {
    const res = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_completion_tokens: 6,
      temperature: 0,
    });
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0].message.role).toBe('assistant');
    expect(res.choices[0].message.content!.length).toBeGreaterThan(0);
    expect(res.choices[0].finish_reason).toBe('length');
    const prompt = await postJson(`${t.url}/tokenize`, {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(res.usage).toMatchObject({ prompt_tokens: (prompt.body as { count: number }).count, completion_tokens: 6 });
  });

  it('returns chat logprobs with top_logprobs and bytes', async () => {
    const res = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 3,
      temperature: 0,
      logprobs: true,
      top_logprobs: 2,
    });
    const content = res.choices[0].logprobs!.content!;
    expect(content).toHaveLength(3);
    for (const entry of content) {
      expect(entry.bytes).toEqual([...Buffer.from(entry.token, 'utf8')]);
      expect(entry.top_logprobs).toHaveLength(2);
      // greedy: the chosen token is the most likely one
      expect(entry.top_logprobs[0].token).toBe(entry.token);
      expect(entry.top_logprobs[0].logprob).toBeCloseTo(entry.logprob, 5);
    }
    expect(content.map((c) => c.token).join('')).toBe(res.choices[0].message.content);
  });

  it('streams chat: role delta first, content deltas, finish chunk, usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 4,
      temperature: 0,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const usage = chunks[chunks.length - 1];
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ completion_tokens: 8 });
    for (const index of [0, 1]) {
      const mine = chunks.filter((c) => c.choices[0]?.index === index);
      expect(mine.filter((c) => c.choices[0].finish_reason === 'length')).toHaveLength(1);
      expect(mine.map((c) => c.choices[0].delta.content ?? '').join('').length).toBeGreaterThan(0);
    }
  });

  it('embeds strings and token ids, as floats and base64', async () => {
    const floats = await client.embeddings.create({ model: 'tiny-llama', input: ['hello', 'world'], encoding_format: 'float' });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0].embedding).toHaveLength(32);
    const norm = Math.hypot(...floats.data[0].embedding);
    expect(norm).toBeCloseTo(1, 4);
    expect(floats.usage).toMatchObject({ prompt_tokens: 12, total_tokens: 12 });
    // The client asks for base64 by default and decodes it itself.
    const b64 = await client.embeddings.create({ model: 'tiny-llama', input: 'hello' });
    expect(b64.data[0].embedding.length).toBe(32);
    b64.data[0].embedding.forEach((v, i) => expect(v).toBeCloseTo(floats.data[0].embedding[i], 5));
    const ids = await client.embeddings.create({ model: 'tiny-llama', input: [257, 104, 101, 108, 108, 111], encoding_format: 'float' });
    ids.data[0].embedding.forEach((v, i) => expect(v).toBeCloseTo(floats.data[0].embedding[i], 5));
  });

  it('honours vLLM extras: min_tokens with ignore_eos, skip_special_tokens, prompt_logprobs', async () => {
    const res = await postJson(`${t.url}/v1/completions`, {
      prompt: 'abc',
      max_tokens: 3,
      min_tokens: 3,
      ignore_eos: true,
      temperature: 0,
      top_k: 5,
      repetition_penalty: 1.2,
      prompt_logprobs: 1,
      skip_special_tokens: false,
    });
    expect(res.status).toBe(200);
    const choice = (res.body as { choices: { text: string; prompt_logprobs: unknown[]; finish_reason: string }[] }).choices[0];
    expect(choice.finish_reason).toBe('length');
    expect(choice.prompt_logprobs).toHaveLength(4);
    expect(choice.prompt_logprobs[0]).toBeNull();
    expect(Object.values(choice.prompt_logprobs[1] as object)[0]).toMatchObject({
      rank: expect.any(Number),
      decoded_token: expect.any(String),
    });
  });
});
