import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeMetric } from '@platform/test-fixtures';
import { startTinyEngineServer } from './support/tiny-engine-server';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

const MODEL = 'platform/tiny-llama';
const VERSION = '2024-05-31';

let platform: TestPlatform;
let second: Awaited<ReturnType<typeof startTinyEngineServer>>;
let token: string;
let projectId: string;

beforeAll(async () => {
  second = await startTinyEngineServer(MODEL);
  platform = await startTestPlatform({ engineModel: MODEL, extraBackends: [second.url] });
  token = await platform.api.newUser('fay');
  projectId = await platform.api.newProject(token, 'faults');
});
afterAll(async () => {
  await platform?.stop();
  await second?.stop();
});

const running = (url: string) => scrapeMetric(url, 'vllm:num_requests_running');

describe('two engine-server replicas behind the gateway', () => {
  it('a replica killed mid-stream ends the stream with an error event; the next requests succeed on the other within 1 s', async () => {
    const first = `http://127.0.0.1:${platform.options.engine?.port}`;
    const res = await fetch(`${platform.url}/ml/v1/text/generation_stream?version=${VERSION}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: MODEL, project_id: projectId, input: 'Hi', parameters: { max_new_tokens: 1000 } }),
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);

    // Crash whichever replica took the stream.
    if ((await running(first)) > 0)
      platform
        .processes()
        .find((p) => p.name === 'engine-server')
        ?.child.kill('SIGKILL');
    else void second.kill();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);

    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((e) => /^id: \d+\nevent: message\ndata: \{.*\}$/.test(e))).toBe(true);
    const last = JSON.parse(events[events.length - 1].split('\ndata: ')[1]) as { results: { stop_reason: string }[] };
    expect(last.results[0].stop_reason).toBe('error');

    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const ok = await platform.api.request<{ results: { stop_reason: string }[] }>('POST', `/ml/v1/text/generation?version=${VERSION}`, {
        token,
        body: { model_id: MODEL, project_id: projectId, input: 'Hi', parameters: { max_new_tokens: 2 } },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.results[0].stop_reason).toBe('max_tokens');
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
