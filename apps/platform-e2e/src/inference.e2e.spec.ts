import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, scrapeMetric } from '@platform/test-fixtures';
import { envelopeOf } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { E2E_TINY_MODEL } from './support/tiny-model-size';

const MODEL = 'platform/tiny-llama';
const VERSION = '2024-05-31';

let platform: TestPlatform;
let wx: WatsonXAI;
let token: string;
let projectId: string;

beforeAll(async () => {
  // One request at a time and one waiting, so the suite can fill the pool; its other tests run one by one.
  platform = await startTestPlatform({
    engineModel: MODEL,
    env: { PLATFORM_INFERENCE_MAX_CONCURRENCY: '1', PLATFORM_INFERENCE_MAX_QUEUE: '1' },
  });
  token = await platform.api.newUser('ines');
  projectId = await platform.api.newProject(token, 'inference');
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
});
afterAll(async () => platform?.stop());

/** The raw SSE body, to check the exact framing the SDK's parser depends on. */
async function rawStream(path: string, body: unknown): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${platform.url}${path}?version=${VERSION}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('watsonx text APIs through the official SDK', () => {
  it('lists the served models as foundation model specs, with filters and paging', async () => {
    const specs = await wx.listFoundationModelSpecs({ limit: 10, filters: 'function_text_generation' });
    expect(specs.result.resources?.map((r) => r.model_id)).toEqual([MODEL]);
    expect(specs.result).toMatchObject({
      total_count: 1,
      limit: 10,
      first: { href: expect.stringContaining('/ml/v1/foundation_model_specs') },
    });
    // The SDK's FoundationModel type predates `functions`; the service and the SDK's pager return it.
    const spec = specs.result.resources?.[0] as (WatsonXAI.FoundationModel & { functions?: { id: string }[] }) | undefined;
    expect(spec?.functions?.map((f) => f.id)).toEqual(expect.arrayContaining(['text_generation', 'text_chat', 'embedding', 'rerank']));
    expect(spec?.model_limits?.max_sequence_length).toBe(1024);
    const none = await wx.listFoundationModelSpecs({ filters: '!function_text_generation' });
    expect(none.result.resources).toEqual([]);
    const one = await platform.api.request('GET', `/ml/v1/foundation_model_specs/${encodeURIComponent(MODEL)}?version=${VERSION}`, {
      token,
    });
    expect(one.body).toMatchObject({ model_id: MODEL });
    const tasks = await wx.listFoundationModelTasks({ limit: 2 });
    expect(tasks.result.resources).toHaveLength(2);
    expect(tasks.result.next?.href).toMatch(/[?&]start=[\w-]+/);
    // The SDK's pager follows the start in next.href to the last page: every task once, in rank order.
    const all = await new WatsonXAI.FoundationModelTasksPager(wx, { limit: 2 }).getAll();
    expect(all).toHaveLength(tasks.result.total_count ?? -1);
    expect(all.map((t) => t.rank)).toEqual([...all.map((t) => t.rank)].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(new Set(all.map((t) => t.task_id)).size).toBe(all.length);
  });

  it('generateText with watsonx parameters and return options', async () => {
    const res = await wx.generateText({
      modelId: MODEL,
      projectId,
      input: 'Hello',
      parameters: {
        decoding_method: 'greedy',
        max_new_tokens: 5,
        return_options: { input_text: true, generated_tokens: true, token_logprobs: true, top_n_tokens: 2 },
      },
    });
    const r = res.result.results[0];
    expect(res.result.model_id).toBe(MODEL);
    expect(r).toMatchObject({ stop_reason: 'max_tokens', generated_token_count: 5, input_text: 'Hello' });
    expect(r.input_token_count).toBeGreaterThan(0);
    expect(r.generated_tokens).toHaveLength(5);
    expect(r.generated_tokens?.[0].top_tokens).toHaveLength(2);
  });

  it('generateText with HAP and PII moderations: unsuitable input is rejected before the model, output is checked', async () => {
    const hap = await wx.generateText({
      modelId: MODEL,
      projectId,
      input: 'Fine start. You are a moron!',
      moderations: { hap: { input: { enabled: true, threshold: 0.5 } } },
    });
    expect(hap.result.results[0]).toEqual({
      generated_text: '',
      generated_token_count: 0,
      input_token_count: expect.any(Number),
      stop_reason: '',
      moderations: { hap: [{ score: 0.6, input: true, position: { start: 12, end: 28 }, entity: 'has_HAP', word: 'You are a moron!' }] },
    });
    expect(hap.result.system?.warnings?.map((w) => w.id)).toEqual(['UNSUITABLE_INPUT']);

    const pii = await wx.generateText({
      modelId: MODEL,
      projectId,
      input: 'Please repeat: foo.bar@ibm.com',
      moderations: { pii: { input: { enabled: true }, output: { enabled: true }, mask: { remove_entity_value: true } } },
    });
    expect(pii.result.results[0].moderations?.pii).toEqual([
      { score: 1, input: true, position: { start: 15, end: 30 }, entity: 'EmailAddress' },
    ]);
    expect(pii.result.results[0].generated_text).toBe('');

    // Clean input passes to the model; with output moderation on, the stream (held back a sentence at a time) adds
    // up to the unary text.
    const moderations = {
      hap: { input: { enabled: true }, output: { enabled: true } },
      pii: { output: { enabled: true }, mask: { remove_entity_value: true } },
    };
    const clean = await wx.generateText({ modelId: MODEL, projectId, input: 'Hello', parameters: { max_new_tokens: 6 }, moderations });
    expect(clean.result.results[0]).toMatchObject({ stop_reason: 'max_tokens', generated_token_count: 6 });
    expect(clean.result.system).toBeUndefined();
    const events: WatsonXAI.ObjectStreamed<WatsonXAI.TextGenResponse>[] = [];
    for await (const e of await wx.generateTextStream({
      modelId: MODEL,
      projectId,
      input: 'Hello',
      parameters: { max_new_tokens: 6 },
      moderations,
      returnObject: true,
    }))
      events.push(e);
    expect(events.map((e) => e.data.results[0].generated_text).join('')).toBe(clean.result.results[0].generated_text);
    expect(events[events.length - 1].data.results[0]).toMatchObject({ stop_reason: 'max_tokens', generated_token_count: 6 });

    const rejected: WatsonXAI.ObjectStreamed<WatsonXAI.TextGenResponse>[] = [];
    for await (const e of await wx.generateTextStream({
      modelId: MODEL,
      projectId,
      input: 'call me at 212-555-0199',
      moderations: { pii: { input: { enabled: true } } },
      returnObject: true,
    }))
      rejected.push(e);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].data.results[0]).toMatchObject({
      generated_text: '',
      stop_reason: '',
      moderations: { pii: [{ entity: 'PhoneNumber', position: { start: 11, end: 23 } }] },
    });
    expect(rejected[0].data.system?.warnings?.[0].id).toBe('UNSUITABLE_INPUT');
  });

  it('generateTextStream as objects and as raw lines, framed as the SDK parses them', async () => {
    const objects = await wx.generateTextStream({
      modelId: MODEL,
      projectId,
      input: 'Hello',
      parameters: { max_new_tokens: 4 },
      returnObject: true,
    });
    const events: WatsonXAI.ObjectStreamed<WatsonXAI.TextGenResponse>[] = [];
    for await (const e of objects) events.push(e);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.event === 'message')).toBe(true);
    const last = events[events.length - 1].data.results[0];
    expect(last).toMatchObject({ stop_reason: 'max_tokens', generated_token_count: 4 });
    const text = events.map((e) => e.data.results[0].generated_text).join('');
    const unary = await wx.generateText({ modelId: MODEL, projectId, input: 'Hello', parameters: { max_new_tokens: 4 } });
    expect(text).toBe(unary.result.results[0].generated_text);

    const lines: string[] = [];
    for await (const line of await wx.generateTextStream({ modelId: MODEL, projectId, input: 'Hello', parameters: { max_new_tokens: 2 } }))
      lines.push(line);
    expect(lines.filter((l) => l.startsWith('data: '))).toHaveLength(2);

    const raw = await rawStream('/ml/v1/text/generation_stream', {
      model_id: MODEL,
      project_id: projectId,
      input: 'Hi',
      parameters: { max_new_tokens: 2 },
    });
    expect(raw.type).toContain('text/event-stream');
    expect(raw.text).not.toContain('\r');
    expect(raw.text).toMatch(/^id: 1\nevent: message\ndata: \{.*\}\n\nid: 2\nevent: message\ndata: \{.*\}\n\n$/);
  });

  it('textChat and textChatStream', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'hi' },
    ];
    const res = await wx.textChat({ modelId: MODEL, projectId, messages, maxTokens: 3, temperature: 0 });
    expect(res.result).toMatchObject({
      object: 'chat.completion',
      model_id: MODEL,
      choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'length' }],
    });
    expect(res.result.usage).toMatchObject({ completion_tokens: 3 });
    const stream = await wx.textChatStream({ modelId: MODEL, projectId, messages, maxTokens: 3, temperature: 0, returnObject: true });
    const chunks: WatsonXAI.ObjectStreamed<WatsonXAI.TextChatStreamResponse>[] = [];
    for await (const c of stream) chunks.push(c);
    const content = chunks.map((c) => c.data.choices[0]?.delta?.content ?? '').join('');
    expect(content).toBe(res.result.choices[0].message?.content);
    expect(chunks.some((c) => c.data.choices[0]?.finish_reason === 'length')).toBe(true);
    expect(chunks[chunks.length - 1].data.usage?.completion_tokens).toBe(3);
  });

  it('embedText and tokenizeText', async () => {
    const emb = await wx.embedText({ modelId: MODEL, projectId, inputs: ['a', 'b'], parameters: { return_options: { input_text: true } } });
    expect(emb.result.results).toHaveLength(2);
    expect(emb.result.results[1]).toMatchObject({ input: 'b' });
    expect(emb.result.results[0].embedding.length).toBe(E2E_TINY_MODEL.hiddenSize);
    const tok = await wx.tokenizeText({ modelId: MODEL, projectId, input: 'hello', parameters: { return_tokens: true } });
    expect(tok.result.result.token_count).toBe(6);
    expect(tok.result.result.tokens).toHaveLength(6);
    const ranked = await wx.textRerank({
      modelId: MODEL,
      projectId,
      query: 'hello',
      inputs: [{ text: 'zebra' }, { text: 'hello' }],
      parameters: { return_options: { top_n: 1, inputs: true, query: true } },
    });
    expect(ranked.result.results).toEqual([{ index: 1, score: expect.closeTo(1, 5), input: { text: 'hello' } }]);
    expect(ranked.result.query).toBe('hello');
  });
});

describe('watsonx text API errors', () => {
  const generate = (body: Record<string, unknown>, query = `?version=${VERSION}`, as = token) =>
    platform.api.request('POST', `/ml/v1/text/generation${query}`, {
      token: as,
      body: { model_id: MODEL, input: 'x', project_id: projectId, ...body },
    });

  it('requires a well-formed version', async () => {
    const missing = await generate({}, '');
    expect(missing.status).toBe(400);
    expect(envelopeOf(missing).target).toEqual({ type: 'parameter', name: 'version' });
    expect((await generate({}, '?version=2024-13-40')).status).toBe(400);
  });

  it('requires a project or space the caller may use', async () => {
    const none = await generate({ project_id: undefined });
    expect(none.status).toBe(400);
    expect(envelopeOf(none).target).toMatchObject({ name: 'project_id' });
    const stranger = await platform.api.newUser('stan');
    const denied = await generate({}, undefined, stranger);
    expect(denied.status).toBe(403);
    envelopeOf(denied);
  });

  it('names the bad field and rejects unknown models with 404', async () => {
    const bad = await generate({ parameters: { temperature: 'hot' } });
    expect(bad.status).toBe(400);
    expect(envelopeOf(bad).target).toMatchObject({ name: 'parameters.temperature' });
    const unknown = await generate({ model_id: 'nobody/model' });
    expect(unknown.status).toBe(404);
    expect(envelopeOf(unknown).code).toBe('model_not_supported');
    const stream = await rawStream('/ml/v1/text/generation_stream', { model_id: 'nobody/model', project_id: projectId, input: 'x' });
    expect(stream.status).toBe(404);
    await expect(wx.tokenizeText({ modelId: 'nobody/model', projectId, input: 'x' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('input far beyond the context length', () => {
  const word = 'a'.repeat(200_000);

  it('refuses a 200,000-character word with the context-length 400 in the envelope, and counts its tokens', async () => {
    const chat = await platform.api.request('POST', `/ml/v1/text/chat?version=${VERSION}`, {
      token,
      body: { model_id: MODEL, project_id: projectId, messages: [{ role: 'user', content: word }], max_tokens: 1 },
    });
    expect(chat.status).toBe(400);
    expect(envelopeOf(chat).message).toMatch(/maximum context length is \d+ tokens/);
    const generation = await platform.api.request('POST', `/ml/v1/text/generation?version=${VERSION}`, {
      token,
      body: { model_id: MODEL, project_id: projectId, input: word },
    });
    expect(generation.status).toBe(400);
    envelopeOf(generation);
    const tok = await wx.tokenizeText({ modelId: MODEL, projectId, input: word });
    expect(tok.result.result.token_count).toBe(200_001);
  });
});

describe('load shedding and disconnects through the gateway', () => {
  const engineUrl = (): string => `http://127.0.0.1:${platform.options.engine?.port}`;
  const engineAborts = () => scrapeMetric(engineUrl(), 'vllm:request_success_total', { model_name: MODEL, finished_reason: 'abort' });

  it('answers 429 with the envelope when the pool is full, and aborts upstream when a client goes away', async () => {
    const abortsBefore = await engineAborts();
    const client = new AbortController();
    const res = await fetch(`${platform.url}/ml/v1/text/generation_stream?version=${VERSION}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: MODEL, project_id: projectId, input: 'Hi', parameters: { max_new_tokens: 1000 } }),
      signal: client.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const queued = platform.api.request('POST', `/ml/v1/text/tokenization?version=${VERSION}`, {
      token,
      body: { model_id: MODEL, project_id: projectId, input: 'x' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const shed = await platform.api.request('POST', `/ml/v1/text/tokenization?version=${VERSION}`, {
      token,
      body: { model_id: MODEL, project_id: projectId, input: 'x' },
    });
    expect(shed.status).toBe(429);
    expect(envelopeOf(shed).code).toBe('too_many_requests');
    client.abort();
    await expect.poll(engineAborts, { timeout: 5000 }).toBe(abortsBefore + 1);
    expect((await queued).status).toBe(200);
  });

  const running = () => scrapeMetric(engineUrl(), 'vllm:num_requests_running', { model_name: MODEL });
  /** The gateway's count of requests to `path`'s route whose client left before the answer. */
  const clientClosed = async (path: string) => {
    const metrics = await platform.api.request('GET', '/metrics', { token: await platform.api.adminToken() });
    const series = `http_requests_total{method="POST",route="${path.split('?')[0]}",status="499",service="gateway"}`;
    return metricValue(String(metrics.body), series) ?? 0;
  };
  // 1,000 tokens each, the end of sequence (id 2) held off: seconds of work that a missed cancel would leave running.
  const unaryRoutes: [string, string, () => Record<string, unknown>][] = [
    [
      'watsonx generation',
      `/ml/v1/text/generation?version=${VERSION}`,
      () => ({ model_id: MODEL, project_id: projectId, input: 'Hi', parameters: { max_new_tokens: 1000, min_new_tokens: 1000 } }),
    ],
    [
      'watsonx chat',
      `/ml/v1/text/chat?version=${VERSION}`,
      () => ({
        model_id: MODEL,
        project_id: projectId,
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 1000,
        logit_bias: { 2: -100 },
      }),
    ],
    ['OpenAI completion', '/openai/v1/completions', () => ({ model: MODEL, prompt: 'Hi', max_tokens: 1000, logit_bias: { 2: -100 } })],
  ];

  it.each(unaryRoutes)('a unary %s stops upstream when its client goes away before the answer', async (_, path, body) => {
    const abortsBefore = await engineAborts();
    const closedBefore = await clientClosed(path);
    const client = new AbortController();
    const pending = fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'openai-project': projectId,
        'x-project-id': projectId,
      },
      body: JSON.stringify(body()),
      signal: client.signal,
    }).catch((err: unknown) => err);
    await expect.poll(running, { timeout: 10_000 }).toBe(1);
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(engineAborts, { timeout: 5000 }).toBe(abortsBefore + 1);
    await expect.poll(running, { timeout: 5000 }).toBe(0);
    // In the gateway's metrics as nginx counts it: 499, client closed request.
    await expect.poll(() => clientClosed(path), { timeout: 5000 }).toBe(closedBefore + 1);
  });
});
