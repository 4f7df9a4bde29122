import OpenAI from 'openai';
import { metricValue, waitFor } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, scrape, startTestServer } from './testing/harness';

const M = '{model_name="tiny-llama"}';
const ABORTED = 'vllm:request_success_total{model_name="tiny-llama",finished_reason="abort"}';
const MAX_TOKENS = 2000;

/** The engine's counters that tell what a request did: how many ended aborted, how many tokens were generated. */
async function counters(t: TestServer): Promise<{ aborted: number; generated: number }> {
  const text = await scrape(t.url);
  return { aborted: metricValue(text, ABORTED) ?? 0, generated: metricValue(text, `vllm:generation_tokens_total${M}`) ?? 0 };
}

/** Nothing running or waiting any more: a generous deadline, since a busy machine only slows the way there. */
const idle = (t: TestServer) => waitFor(() => t.model.stats().running + t.model.stats().waiting === 0, 60_000, 2);

/**
 * A client going away frees its sequence within a decode step or so; generation does not run to max_tokens. Counted
 * in work rather than time: each request asks for 2000 tokens (and ignores EOS where the API allows it), so one
 * that was not aborted ends with the 'length' reason and all 2000 generated; an aborted one ends 'abort' with few.
 */
describe('client disconnect', () => {
  let t: TestServer;

  beforeAll(async () => {
    // A somewhat larger model so that 2000 tokens take seconds: an abort that failed would show.
    t = await startTestServer({ tiny: { hiddenSize: 128, layers: 4 } });
  });
  afterAll(() => t.stop());

  it('aborts a streaming chat when the openai client aborts', async () => {
    const before = await counters(t);
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'Tell me everything' }],
      max_tokens: MAX_TOKENS,
      temperature: 0,
      stream: true,
    });
    let seen = 0;
    for await (const _chunk of stream) {
      if (++seen === 3) break; // leaving the loop aborts the HTTP request
    }
    await idle(t);
    const after = await counters(t);
    expect(metricValue(await scrape(t.url), `vllm:num_requests_running${M}`)).toBe(0);
    expect(after.aborted - before.aborted).toBe(1);
    // The client saw two tokens; the server stops within a few decode steps of noticing, far short of 2000.
    expect(after.generated - before.generated).toBeLessThan(500);
  });

  it('aborts a non-streaming completion when the connection closes', async () => {
    const before = await counters(t);
    const abort = new AbortController();
    const pending = fetch(`${t.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', max_tokens: MAX_TOKENS, ignore_eos: true }),
      signal: abort.signal,
    }).catch((e: unknown) => e);
    // Close the connection once tokens are being generated, not after a fixed delay that a loaded machine outlasts.
    await waitFor(async () => (await counters(t)).generated > before.generated, 60_000, 2);
    abort.abort();
    await idle(t);
    expect(await pending).toBeInstanceOf(Error);
    const after = await counters(t);
    expect(after.aborted - before.aborted).toBe(1);
    expect(after.generated - before.generated).toBeLessThan(MAX_TOKENS);
  });

  it('drops the inputs of an embeddings request not yet embedded when the connection closes', async () => {
    // 256 inputs of 400 token ids: many seconds of prefill for this model, so one not dropped would show.
    const input = Array.from({ length: 256 }, (_, i) => Array.from({ length: 400 }, (_, j) => 3 + ((i + j) % 250)));
    const before = t.model.stats().promptTokensTotal;
    const abort = new AbortController();
    const pending = fetch(`${t.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-llama', input }),
      signal: abort.signal,
    }).catch((e: unknown) => e);
    await waitFor(() => t.model.stats().promptTokensTotal > before, 60_000, 2);
    abort.abort();
    await idle(t);
    expect(await pending).toBeInstanceOf(Error);
    expect(t.model.stats().promptTokensTotal - before).toBeLessThan((256 * 400) / 4);
    expect(t.model.stats().kvCacheUsage).toBe(0);
  });

  it('aborts a TGI /generate_stream when the reader goes away', async () => {
    const before = await counters(t);
    const abort = new AbortController();
    const res = await fetch(`${t.url}/generate_stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'x', parameters: { max_new_tokens: MAX_TOKENS } }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await idle(t);
    const after = await counters(t);
    expect(after.aborted - before.aborted).toBe(1);
    expect(after.generated - before.generated).toBeLessThan(MAX_TOKENS);
  });
});
