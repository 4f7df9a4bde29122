import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeRating, judgedAnswer, mtBenchJudge } from './mt-bench-judge';
import { startOpenAiTestServer, type OpenAiTestServer } from './openai-test-server';

const SINGLE = (answer: string) =>
  `[Question]\nWhat is the capital of France?\n\n[The Start of Assistant's Answer]\n${answer}\n[The End of Assistant's Answer]`;
const MULTI = (a1: string, a2: string) =>
  `<|The Start of Assistant A's Conversation with User|>\n\n### User:\nq1\n\n### Assistant A:\n${a1}\n\n### User:\nq2\n\n### Assistant A:\n${a2}\n\n<|The End of Assistant A's Conversation with User|>`;

describe('the OpenAI-compatible test server', () => {
  let server: OpenAiTestServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startOpenAiTestServer([mtBenchJudge('test/judge'), { id: 'test/echo', reply: (p, i) => `choice ${i} of: ${p}` }]);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('lists its models with their context length, as vLLM does', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => [m.id, (m as unknown as { max_model_len?: number }).max_model_len])).toEqual([
      ['test/judge', 8192],
      ['test/echo', undefined],
    ]);
  });

  it('judges in the FastChat verdict format, rating the judged answer by its own words', async () => {
    const res = await client.chat.completions.create({ model: 'test/judge', messages: [{ role: 'user', content: SINGLE('Paris.') }] });
    expect(res.choices[0].message.content).toBe(`The answer reads 83% as words. Rating: [[${judgeRating('Paris.')}]]`);
    expect(judgeRating('Paris.')).toBeGreaterThan(judgeRating('#&%*!'));
    expect(judgeRating('Paris.')).toBeGreaterThanOrEqual(1);
    expect(judgeRating('The capital of France is Paris')).toBeLessThan(10);
    expect(judgedAnswer(MULTI('first', 'second turn'))).toBe('second turn');
    const unreadable = await client.chat.completions.create({ model: 'test/judge', messages: [{ role: 'user', content: 'hello' }] });
    expect(unreadable.choices[0].message.content).not.toMatch(/\[\[/);
  });

  it('streams chat choices and completions with usage, and cuts replies at max_tokens', async () => {
    const stream = await client.chat.completions.create({
      model: 'test/echo',
      messages: [{ role: 'user', content: 'a b c' }],
      n: 2,
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = ['', ''];
    const finish: (string | null)[] = [null, null];
    let completionTokens = 0;
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text[c.index] += c.delta.content ?? '';
        finish[c.index] ??= c.finish_reason;
      }
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
    expect(text).toEqual(['choice 0 of: a', 'choice 1 of: a']);
    expect(finish).toEqual(['length', 'length']);
    expect(completionTokens).toBe(8);
    const completion = await client.completions.create({ model: 'test/echo', prompt: 'x y', max_tokens: 10 });
    expect(completion.choices[0]).toMatchObject({ text: 'choice 0 of: x y', finish_reason: 'stop' });
    expect(server.calls.map((c) => [c.path, c.model])).toContainEqual(['/v1/completions', 'test/echo']);
  });

  it('refuses an unknown model with 404 and a malformed body with 400', async () => {
    await expect(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
    });
    const res = await fetch(`${server.url}/v1/completions`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
  });
});
