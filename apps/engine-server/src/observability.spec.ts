import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '@platform/test-fixtures';
import { type TestServer, postJson, scrape, startTestServer } from './testing/harness';

const M = '{model_name="tiny-llama"}';

describe('health, version, tokenizer endpoints and metrics', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('GET /health is 200 with an empty body, /version names a version', async () => {
    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
    expect(await (await fetch(`${t.url}/version`)).json()).toEqual({ version: expect.any(String) });
  });

  it('POST /tokenize and /detokenize in vLLM shape', async () => {
    const res = await postJson(`${t.url}/tokenize`, { model: 'tiny-llama', prompt: 'Hi!', return_token_strs: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ count: 4, max_model_len: 2048, tokens: [257, 72, 105, 33], token_strs: ['<s>', 'H', 'i', '!'] });
    const bare = await postJson(`${t.url}/tokenize`, { prompt: 'Hi!', add_special_tokens: false });
    expect(bare.body).toEqual({ count: 3, max_model_len: 2048, tokens: [72, 105, 33], token_strs: null });
    const chat = await postJson(`${t.url}/tokenize`, { messages: [{ role: 'user', content: 'Hi' }] });
    const expected = t.model.encode(t.model.applyChatTemplate([{ role: 'user', content: 'Hi' }], true), false);
    expect((chat.body as { tokens: number[] }).tokens).toEqual(expected);
    const de = await postJson(`${t.url}/detokenize`, { tokens: [72, 105, 33] });
    expect(de.body).toEqual({ prompt: 'Hi!' });
    const unknown = await postJson(`${t.url}/detokenize`, { model: 'nope', tokens: [1] });
    expect(unknown.status).toBe(404);
  });

  it('exposes vLLM metric names labelled by model, and the counts move', async () => {
    const before = await scrape(t.url);
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
    ])
      expect(metricValue(before, name + M), name).toBeDefined();
    for (const name of [
      'vllm:time_to_first_token_seconds',
      'vllm:inter_token_latency_seconds',
      'vllm:time_per_output_token_seconds',
      'vllm:e2e_request_latency_seconds',
    ]) {
      expect(before).toContain(`# TYPE ${name} histogram`);
      expect(metricValue(before, `${name}_count${M}`), name).toBeDefined();
    }
    const success = (text: string, reason: string) =>
      metricValue(text, `vllm:request_success_total{model_name="tiny-llama",finished_reason="${reason}"}`) ?? NaN;
    expect(success(before, 'length')).toBeGreaterThanOrEqual(0);

    const res = await postJson(`${t.url}/v1/completions`, { prompt: 'Hello', max_tokens: 5, temperature: 0 });
    expect(res.status).toBe(200);
    const after = await scrape(t.url);
    const delta = (name: string) => (metricValue(after, name) ?? NaN) - (metricValue(before, name) ?? NaN);
    expect(delta(`vllm:prompt_tokens_total${M}`)).toBe(6);
    expect(delta(`vllm:generation_tokens_total${M}`)).toBe(5);
    expect(success(after, 'length') - success(before, 'length')).toBe(1);
    expect(delta(`vllm:time_to_first_token_seconds_count${M}`)).toBe(1);
    expect(delta(`vllm:e2e_request_latency_seconds_count${M}`)).toBe(1);
    expect(delta(`vllm:inter_token_latency_seconds_count${M}`)).toBe(4);
    expect(metricValue(after, `vllm:num_requests_running${M}`)).toBe(0);
  });
});
