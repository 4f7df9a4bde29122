import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, postJson, sseData, startTestServer } from './testing/harness';

/** text-generation-inference's native API against the real engine. */
describe('TGI native API', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('describes the model on /info', async () => {
    const info = await (await fetch(`${t.url}/info`)).json();
    expect(info).toMatchObject({
      model_id: 'tiny-llama',
      max_input_tokens: 2047,
      max_total_tokens: 2048,
      max_concurrent_requests: 256,
      max_stop_sequences: 4,
      router: 'text-generation-router',
      version: expect.any(String),
    });
  });

  it('generates with details, prefill and per-token logprobs', async () => {
    const res = await postJson(`${t.url}/generate`, {
      inputs: 'Hello',
      parameters: { max_new_tokens: 4, details: true, decoder_input_details: true, top_n_tokens: 2 },
    });
    expect(res.status).toBe(200);
    const body = res.body as {
      generated_text: string;
      details: {
        finish_reason: string;
        generated_tokens: number;
        seed: number | null;
        prefill: { id: number; text: string; logprob: number | null }[];
        tokens: { id: number; text: string; logprob: number; special: boolean }[];
        top_tokens: { id: number }[][];
      };
    };
    expect(body.details.finish_reason).toBe('length');
    expect(body.details.generated_tokens).toBe(4);
    expect(body.details.seed).toBeNull(); // greedy: parameters given without do_sample
    expect(body.details.prefill).toHaveLength(6);
    expect(body.details.prefill[0]).toEqual({ id: 257, text: '<s>', logprob: null });
    expect(body.details.prefill[1].logprob).toBeLessThanOrEqual(0);
    expect(body.details.tokens).toHaveLength(4);
    expect(body.details.tokens.map((tk) => tk.text).join('')).toBe(body.generated_text);
    expect(body.details.tokens[0]).toMatchObject({ id: expect.any(Number), logprob: expect.any(Number), special: false });
    expect(body.details.top_tokens).toHaveLength(4);
    expect(body.details.top_tokens[0]).toHaveLength(2);
    expect(res.text).not.toContain('best_of_sequences');
  });

  it('returns only generated_text without details, and prepends the input with return_full_text', async () => {
    const plain = await postJson(`${t.url}/generate`, { inputs: 'Hello', parameters: { max_new_tokens: 3 } });
    expect(Object.keys(plain.body as object)).toEqual(['generated_text']);
    const full = await postJson(`${t.url}/generate`, { inputs: 'Hello', parameters: { max_new_tokens: 3, return_full_text: true } });
    expect((full.body as { generated_text: string }).generated_text).toBe(
      'Hello' + (plain.body as { generated_text: string }).generated_text,
    );
  });

  it('reports stop_sequence and keeps the stop text, as TGI does', async () => {
    const free = await postJson(`${t.url}/generate`, { inputs: 'abc', parameters: { max_new_tokens: 6 } });
    const text = (free.body as { generated_text: string }).generated_text;
    const stop = text.slice(1, 2);
    const res = await postJson(`${t.url}/generate`, { inputs: 'abc', parameters: { max_new_tokens: 6, stop: [stop], details: true } });
    const body = res.body as { generated_text: string; details: { finish_reason: string } };
    expect(body.details.finish_reason).toBe('stop_sequence');
    expect(body.generated_text.endsWith(stop)).toBe(true);
    expect(text.startsWith(body.generated_text)).toBe(true);
  });

  it('samples reproducibly with a seed and reports it', async () => {
    const ask = () =>
      postJson(`${t.url}/generate`, { inputs: 'Hi', parameters: { max_new_tokens: 5, do_sample: true, seed: 42, details: true } });
    const [a, b] = [await ask(), await ask()];
    expect((a.body as { details: { seed: number } }).details.seed).toBe(42);
    expect((a.body as { generated_text: string }).generated_text).toBe((b.body as { generated_text: string }).generated_text);
  });

  it('streams tokens as data: events without a space, details and text only on the last', async () => {
    const res = await fetch(`${t.url}/generate_stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'Hello', parameters: { max_new_tokens: 4, details: true } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.startsWith('data:{')).toBe(true);
    expect(text).not.toContain('[DONE]');
    const events = sseData(text).map((e) => JSON.parse(e));
    expect(events).toHaveLength(4);
    expect(events.map((e) => e.index)).toEqual([1, 2, 3, 4]);
    for (const e of events.slice(0, 3)) {
      expect(e.generated_text).toBeNull();
      expect(e.details).toBeNull();
      expect(e.token).toMatchObject({ id: expect.any(Number), text: expect.any(String), logprob: expect.any(Number), special: false });
    }
    const last = events[3];
    expect(last.generated_text).toBe(events.map((e) => e.token.text).join(''));
    expect(last.details).toEqual({ finish_reason: 'length', generated_tokens: 4, seed: null, input_length: 6 });
    const whole = await postJson(`${t.url}/generate`, { inputs: 'Hello', parameters: { max_new_tokens: 4 } });
    expect(last.generated_text).toBe((whole.body as { generated_text: string }).generated_text);
  });

  it('dispatches POST / on the stream flag', async () => {
    const plain = await postJson(`${t.url}/`, { inputs: 'Hello', parameters: { max_new_tokens: 2 } });
    expect(plain.body).toMatchObject({ generated_text: expect.any(String) });
    const streamed = await postJson(`${t.url}/`, { inputs: 'Hello', parameters: { max_new_tokens: 2 }, stream: true });
    expect(sseData(streamed.text)).toHaveLength(2);
  });

  it('tokenizes in TGI shape with character offsets', async () => {
    const res = await postJson(`${t.url}/tokenize`, { inputs: 'Hi there' });
    expect(res.status).toBe(200);
    const tokens = res.body as { id: number; text: string; start: number; stop: number }[];
    expect(tokens[0]).toEqual({ id: 257, text: '', start: 0, stop: 0 });
    expect(
      tokens
        .slice(1)
        .map((tk) => tk.text)
        .join(''),
    ).toBe('Hi there');
    expect(tokens[2]).toEqual({ id: 'i'.charCodeAt(0), text: 'i', start: 1, stop: 2 });
    const bad = await postJson(`${t.url}/tokenize`, { inputs: 42 });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ error: 'Input validation error: `inputs` must be a string', error_type: 'validation' });
  });
});
