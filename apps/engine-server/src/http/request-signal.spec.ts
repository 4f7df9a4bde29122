import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer, type TestServer } from '../testing/harness';

/**
 * Every sequence listens on its request's abort signal, and every admitted request on the server's shutdown signal:
 * past Node's default of 10 listeners each would print a false "possible memory leak" warning into the server's log.
 */
describe('abort signals of requests and of the server', () => {
  let t: TestServer;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);

  beforeAll(async () => {
    t = await startTestServer();
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await t.stop();
  });

  it('serves 16 choices in a request and 20 requests at once without a listener warning', async () => {
    const completion = (n: number, maxTokens = 4) =>
      postJson(`${t.url}/v1/completions`, { model: 'tiny-llama', prompt: 'Hi', max_tokens: maxTokens, ignore_eos: true, n });
    const many = await completion(16);
    expect(many.status).toBe(200);
    expect((many.body as { choices: unknown[] }).choices).toHaveLength(16);
    const together = await Promise.all(Array.from({ length: 20 }, () => completion(1, 32)));
    expect(together.map((r) => r.status)).toEqual(Array(20).fill(200));
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
