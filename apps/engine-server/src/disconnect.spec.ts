import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, metricValue, scrape, startTestServer } from './testing/harness';

const M = '{model_name="tiny-llama"}';

/** Resolves with the milliseconds it took the engine to have nothing running. */
async function msUntilIdle(t: TestServer, from: number, timeoutMs = 3000): Promise<number> {
  while (t.model.stats().running + t.model.stats().waiting > 0) {
    if (performance.now() - from > timeoutMs) throw new Error('sequence still running');
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - from;
}

/** A client going away frees its sequence within a decode step or so; generation does not run to max_tokens. */
describe('client disconnect', () => {
  let t: TestServer;

  beforeAll(async () => {
    // A somewhat larger model so that 2000 tokens take seconds: an abort that failed would show.
    t = await startTestServer({ tiny: { hiddenSize: 128, layers: 4 } });
  });
  afterAll(() => t.stop());

  it('aborts a streaming chat when the openai client aborts', async () => {
    const before = await scrape(t.url);
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'Tell me everything' }],
      max_tokens: 2000,
      temperature: 0,
      stream: true,
    });
    let seen = 0;
    for await (const _chunk of stream) {
      if (++seen === 3) break; // leaving the loop aborts the HTTP request
    }
    const ms = await msUntilIdle(t, performance.now());
    expect(ms).toBeLessThan(1000);
    const after = await scrape(t.url);
    expect(metricValue(after, `vllm:num_requests_running${M}`)).toBe(0);
    const abortKey = 'vllm:request_success_total{model_name="tiny-llama",finished_reason="abort"}';
    expect((metricValue(after, abortKey) ?? 0) - (metricValue(before, abortKey) ?? 0)).toBe(1);
    const generated =
      (metricValue(after, `vllm:generation_tokens_total${M}`) ?? 0) - (metricValue(before, `vllm:generation_tokens_total${M}`) ?? 0);
    expect(generated).toBeLessThan(500);
  });

  it('aborts a non-streaming completion when the connection closes', async () => {
    const abort = new AbortController();
    const pending = fetch(`${t.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', max_tokens: 2000, ignore_eos: true }),
      signal: abort.signal,
    }).catch((e: unknown) => e);
    while (t.model.stats().running === 0) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 30));
    abort.abort();
    expect(await msUntilIdle(t, performance.now())).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('aborts a TGI /generate_stream when the reader goes away', async () => {
    const abort = new AbortController();
    const res = await fetch(`${t.url}/generate_stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'x', parameters: { max_new_tokens: 2000 } }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    expect(await msUntilIdle(t, performance.now())).toBeLessThan(1000);
  });
});
