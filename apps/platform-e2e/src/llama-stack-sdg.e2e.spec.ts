import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeMetric } from '@platform/test-fixtures';
import { envelopeOf } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Llama Stack draft /synthetic_data_generation/generate end to end: gateway → SDG service → teacher (starter model
 * through the inference service) → judge scores through the evaluation service's ScoreRewards → filter.
 */
const STARTER = 'platform/starter-llama';
const draft = JSON.parse(readFileSync(resolve(__dirname, 'support/llama-stack-draft-openapi.json'), 'utf8')) as { components: object };
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'draft', components: draft.components });
const validate = (name: string, value: unknown) => {
  const v = ajv.getSchema(`draft#/components/schemas/${name}`)!;
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};

let platform: TestPlatform;
let token: string;
let projectId: string;

beforeAll(async () => {
  platform = await startTestPlatform({
    starterModel: STARTER,
    env: { PLATFORM_LLAMA_STACK_MODELS: JSON.stringify({ llama3_405b_reward: STARTER }) },
  });
  token = await platform.api.newUser('sina');
  projectId = await platform.api.newProject(token, 'llama-stack-sdg');
});

afterAll(async () => {
  await platform?.stop();
});

const generate = (body: unknown) =>
  platform.api.request<Record<string, unknown>>('POST', '/synthetic_data_generation/generate', {
    token,
    body,
    headers: { 'x-project-id': projectId },
  });

describe('/synthetic_data_generation/generate', () => {
  const prompts = [
    { role: 'user', content: 'What is the capital of France?', tool_calls: [], tool_responses: [] },
    { role: 'user', content: 'What colour is snow?', tool_calls: [], tool_responses: [] },
  ];

  it('answers each prompt k times, scores the answers with the judge and keeps the best per prompt', async () => {
    const body = {
      prompts,
      filtering_function: 'top_k',
      reward_scoring: { model: 'llama3_405b_reward', num_generations: 3, top_k: 1, seed: 3, max_tokens: 24 },
    };
    expect(validate('SyntheticDataGenerationRequest', body)).toEqual([]);
    const res = await generate(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(validate('SyntheticDataGenerationResponse', res.body)).toEqual([]);
    const data = res.body.synthetic_data as {
      prompt: { content: string };
      k_scored_generations: { message: { role: string; content: string }; score: number }[];
    }[];
    expect(data.map((d) => d.prompt.content)).toEqual(prompts.map((p) => p.content));
    for (const d of data) {
      expect(d.k_scored_generations).toHaveLength(1);
      expect(d.k_scored_generations[0].message.role).toBe('assistant');
      expect(typeof d.k_scored_generations[0].score).toBe('number');
    }
    expect(res.body.statistics).toMatchObject({ generated: 6, kept: 2, teacher_model: STARTER, judge_model: STARTER });
  }, 120_000);

  it('keeps every generation with filtering_function none', async () => {
    const res = await generate({
      prompts: prompts.slice(0, 1),
      filtering_function: 'none',
      reward_scoring: { num_generations: 2, max_tokens: 16 },
    });
    expect(res.status).toBe(200);
    expect((res.body.synthetic_data as { k_scored_generations: unknown[] }[])[0].k_scored_generations).toHaveLength(2);
  }, 120_000);

  it('stops the teacher and the judge when the client goes away', async () => {
    const engineUrl = `http://127.0.0.1:${platform.options.engine?.port}`;
    const aborts = () => scrapeMetric(engineUrl, 'vllm:request_success_total', { finished_reason: 'abort' });
    const running = () => scrapeMetric(engineUrl, 'vllm:num_requests_running');
    const abortsBefore = await aborts();
    const client = new AbortController();
    // 8 prompts answered 8 times, then 64 judgments: long past the moment the client leaves.
    const pending = fetch(`${platform.url}/synthetic_data_generation/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-project-id': projectId },
      body: JSON.stringify({
        prompts: Array.from({ length: 8 }, (_, i) => ({ ...prompts[i % 2], content: `${prompts[i % 2].content} (${i})` })),
        filtering_function: 'none',
        reward_scoring: { num_generations: 8, max_tokens: 512 },
      }),
      signal: client.signal,
    }).catch((err: unknown) => err);
    await expect.poll(running, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(aborts, { timeout: 10_000 }).toBeGreaterThan(abortsBefore);
    await expect.poll(running, { timeout: 10_000 }).toBe(0);
  }, 120_000);

  it('refuses what the draft refuses, in the IBM envelope', async () => {
    const res = await generate({ prompts, filtering_function: 'best' });
    expect(res.status).toBe(400);
    expect(envelopeOf(res).target?.name).toBe('filtering_function');
    const empty = await generate({ prompts: [], filtering_function: 'none' });
    expect(empty.status).toBe(400);
  });
});
