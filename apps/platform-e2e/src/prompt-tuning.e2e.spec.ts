import { randomBytes } from 'node:crypto';
import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * watsonx.ai tuning through the official SDK on the built-in engine (seed 001): files put into project and space
 * storage with /v2/asset_files, a prompt tuning (`createTraining`) of a small sentiment task that ends completed with
 * per-epoch loss and the seed's results layout, its auto_update_model asset (prompt_tune_1.0) deployed and asked the
 * task's questions against the base model, fine tunings (full in a space, LoRA) of `{input, output}` records, and the
 * bad requests that must be 400s naming the field with nothing queued.
 */
const VERSION = '2024-05-31';
const STARTER = 'platform/starter-llama';
const MAX_FILE = 1024 * 1024;
const run = randomBytes(3).toString('hex');
const VERBALIZER = 'Is {{input}} a happy word? Answer:';

/**
 * The task: a word's sentiment, answered yes or no. " yes" and " no" are single tokens of the starter model's
 * vocabulary, so 8 virtual tokens on a 128-wide model can learn the answer in a minute of CPU.
 */
const POSITIVE = ['good', 'great', 'happy', 'love', 'nice', 'excellent', 'wonderful', 'joy', 'best', 'fine', 'glad', 'fun'];
const NEGATIVE = ['bad', 'awful', 'sad', 'hate', 'poor', 'terrible', 'horrible', 'pain', 'worst', 'ugly', 'angry', 'dull'];
const RECORDS = [...POSITIVE.map((input) => ({ input, output: ' yes' })), ...NEGATIVE.map((input) => ({ input, output: ' no' }))];

let platform: TestPlatform;
let wx: WatsonXAI;
let token: string;
let viewerToken: string;
let projectId: string;
let spaceId: string;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const files = (container: string) => `${container.startsWith('s:') ? 'space_id' : 'project_id'}=${container.slice(2)}`;

async function putFile(container: string, path: string, body: string | Uint8Array, contentType = 'application/json') {
  const res = await fetch(`${platform.url}/v2/asset_files/${path}?${files(container)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const getFile = (container: string, path: string, as = token) =>
  fetch(`${platform.url}/v2/asset_files/${path}?${files(container)}`, { headers: { authorization: `Bearer ${as}` } });

const TERMINAL = ['completed', 'failed', 'canceled'];

async function settleTraining(id: string, timeoutMs = 600_000) {
  return until(
    `training ${id}`,
    async () => {
      const t = (await wx.getTraining({ trainingId: id, projectId })).result;
      return TERMINAL.includes(t.entity?.status.state ?? '') ? t : undefined;
    },
    timeoutMs,
  );
}

async function settleFineTuning(id: string, c: { projectId?: string; spaceId?: string }, timeoutMs = 600_000) {
  return until(
    `fine tuning ${id}`,
    async () => {
      const t = (await wx.getFineTuning({ id, ...c })).result;
      return TERMINAL.includes(t.entity?.status.state ?? '') ? t : undefined;
    },
    timeoutMs,
  );
}

/** The share of the task's records whose answer's first word is the expected one. */
async function accuracy(answer: (input: string) => Promise<string>): Promise<{ accuracy: number; answers: string[] }> {
  const answers: string[] = [];
  let right = 0;
  for (const r of RECORDS) {
    const text = await answer(r.input);
    answers.push(text);
    if (
      text
        .trim()
        .toLowerCase()
        .split(/[^a-z]+/)[0] === r.output.trim()
    )
      right += 1;
  }
  return { accuracy: right / RECORDS.length, answers };
}

beforeAll(async () => {
  platform = await startTestPlatform({
    starterModel: STARTER,
    env: {
      PLATFORM_ASSET_FILE_MAX_BYTES: String(MAX_FILE),
      PLATFORM_RATE_LIMIT_INFERENCE_BURST: '1000000',
      PLATFORM_RATE_LIMIT_INFERENCE_PER_MINUTE: '1000000',
    },
  });
  token = await platform.api.newUser('tuner');
  viewerToken = await platform.api.newUser('tuning-viewer');
  projectId = await platform.api.newProject(token, 'prompt-tuning');
  const added = await platform.api.request('POST', `/v2/projects/${projectId}/members`, {
    token,
    body: { members: [{ user_name: 'tuning-viewer', role: 'viewer' }] },
  });
  expect([200, 201]).toContain(added.status);
  const space = await platform.api.request<{ metadata: { id: string } }>('POST', '/v2/spaces', { token, body: { name: 'tuning space' } });
  expect(space.status).toBe(201);
  spaceId = space.body.metadata.id;
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
}, 300_000);
afterAll(async () => platform?.stop());

describe('/v2/asset_files', () => {
  it('stores a raw body with its content type, reads, lists by prefix and deletes it; viewers read only', async () => {
    const put = await putFile(`p:${projectId}`, 'notes/a b.txt', 'hello, storage', 'text/plain; charset=utf-8');
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ path: 'notes/a b.txt', size: 14, content_type: 'text/plain; charset=utf-8' });
    const got = await getFile(`p:${projectId}`, 'notes/a%20b.txt', viewerToken);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await got.text()).toBe('hello, storage');

    // JSON goes in untouched, not parsed (the input policy's JSON limits do not apply to files).
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    expect((await putFile(`p:${projectId}`, 'notes/deep.json', deep)).status).toBe(201);
    expect(await (await getFile(`p:${projectId}`, 'notes/deep.json')).text()).toBe(deep);

    const list = await platform.api.request<{ resources: { path: string }[]; next?: { start: string } }>(
      'GET',
      `/v2/asset_files?project_id=${projectId}&prefix=notes/&limit=1`,
      { token: viewerToken },
    );
    expect(list.status).toBe(200);
    expect(list.body.resources.map((r) => r.path)).toEqual(['notes/a b.txt']);
    const rest = await platform.api.request<{ resources: { path: string }[]; next?: unknown }>(
      'GET',
      `/v2/asset_files?project_id=${projectId}&prefix=notes/&limit=1&start=${list.body.next!.start}`,
      { token },
    );
    expect(rest.body.resources.map((r) => r.path)).toEqual(['notes/deep.json']);
    expect(rest.body.next).toBeUndefined();

    const viewerPut = await fetch(`${platform.url}/v2/asset_files/notes/x.txt?project_id=${projectId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(viewerPut.status).toBe(403);
    const del = await platform.api.request('DELETE', `/v2/asset_files/notes/deep.json?project_id=${projectId}`, { token });
    expect(del.status).toBe(204);
    const gone = await platform.api.request('GET', `/v2/asset_files/notes/deep.json?project_id=${projectId}`, { token });
    expect(gone.status).toBe(404);
    expect(envelopeOf(gone).code).toBe('file_not_found');
    const climbing = await platform.api.request('GET', `/v2/asset_files/notes/..%2F..%2Fx?project_id=${projectId}`, { token });
    expect(climbing.status).toBe(400);
  }, 60_000);

  it('refuses a file over PLATFORM_ASSET_FILE_MAX_BYTES with 413 and stores nothing, also when the length is not declared', async () => {
    const big = new Uint8Array(MAX_FILE + 1);
    const res = await putFile(`p:${projectId}`, 'big.bin', big, 'application/octet-stream');
    expect(res.status).toBe(413);
    expect((await getFile(`p:${projectId}`, 'big.bin')).status).toBe(404);

    // A streamed body (chunked, no Content-Length) is cut off at the limit: the upload is abandoned.
    const chunks = [new Uint8Array(MAX_FILE / 2), new Uint8Array(MAX_FILE / 2), new Uint8Array(1024)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await fetch(`${platform.url}/v2/asset_files/streamed.bin?project_id=${projectId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: stream,
      duplex: 'half',
    } as RequestInit).then(
      (r) => r.status,
      (err: Error) => err.message,
    );
    expect(streamed).toBe(413);
    expect((await getFile(`p:${projectId}`, 'streamed.bin')).status).toBe(404);
    // The limit itself is stored.
    expect((await putFile(`p:${projectId}`, 'exact.bin', new Uint8Array(MAX_FILE), 'application/octet-stream')).status).toBe(201);
  }, 120_000);
});

describe('prompt tuning through the official SDK', () => {
  let trainingId: string;
  let modelId: string;

  it('trains a sentiment task to completed with per-epoch loss, the results layout and an auto_update_model asset', async () => {
    expect((await putFile(`p:${projectId}`, 'tune/sentiment.json', JSON.stringify(RECORDS))).status).toBe(201);
    const created = await wx.createTraining({
      name: `sentiment-${run}`,
      projectId,
      description: 'sentiment words',
      tags: ['e2e', 'sentiment'],
      promptTuning: {
        base_model: { model_id: STARTER },
        task_id: 'classification',
        tuning_type: 'prompt_tuning',
        // The CPU trainer's soft prompt is 16 virtual tokens of a 128-wide model: 0.1 with batches of 2 for 50 epochs (the
        // seed's maximum) learns the task well above chance (0.75 measured with the engine CLI); 0.3-0.5 (the GPU values)
        // overshoot it.
        num_epochs: 50,
        learning_rate: 0.1,
        batch_size: 2,
        accumulate_steps: 1,
        max_input_tokens: 32,
        max_output_tokens: 8,
        init_method: 'text',
        init_text: 'Answer yes or no.',
        verbalizer: VERBALIZER,
      },
      trainingDataReferences: [{ type: 'container', location: { path: 'tune/sentiment.json' } }],
      resultsReference: { type: 'container', location: { path: 'tune/results' } },
      autoUpdateModel: true,
      custom: { purpose: 'e2e' },
    });
    expect(created.status).toBe(201);
    trainingId = created.result.metadata!.id;
    expect(created.result).toMatchObject({
      metadata: { id: expect.any(String), name: `sentiment-${run}`, project_id: projectId, tags: ['e2e', 'sentiment'] },
      entity: {
        // The training service names its base model by its label, as the InstructLab views do.
        prompt_tuning: {
          base_model: { model_id: expect.stringMatching(/starter-llama$/) },
          task_id: 'classification',
          num_epochs: 50,
          verbalizer: VERBALIZER,
        },
        auto_update_model: true,
        custom: { purpose: 'e2e' },
        status: { state: 'queued' },
      },
    });

    const listed = await wx.listTrainings({ projectId, tagValue: 'sentiment', totalCount: true });
    expect(listed.result.resources?.map((r) => r.metadata?.id)).toEqual([trainingId]);
    expect(listed.result.total_count).toBe(1);

    console.log(`prompt tuning settings as resolved: ${JSON.stringify(created.result.entity?.prompt_tuning)}`);
    const done = await settleTraining(trainingId);
    console.log(`prompt tuning status: ${JSON.stringify(done.entity?.status)}`);
    expect(done.entity?.status.state, JSON.stringify(done.entity?.status)).toBe('completed');
    const metrics = done.entity!.status.metrics ?? [];
    expect(metrics.length).toBe(50);
    for (const m of metrics)
      expect(m).toMatchObject({ iteration: expect.any(Number), ml_metrics: { loss: expect.any(Number) }, timestamp: expect.any(String) });
    expect(metrics.at(-1)!.ml_metrics!.loss).toBeLessThan(metrics[0].ml_metrics!.loss as number);
    const location = done.entity!.results_reference.location as Record<string, string>;
    expect(location).toMatchObject({
      path: 'tune/results',
      training: `tune/results/${trainingId}`,
      training_status: `tune/results/${trainingId}/training-status.json`,
      assets_path: `tune/results/${trainingId}/assets`,
      model_request_path: expect.stringMatching(
        new RegExp(`^tune/results/${trainingId}/assets/[0-9a-f-]{36}/resources/wml_model/request\\.json$`),
      ),
    });
    modelId = done.entity!.model_id;
    expect(modelId).toEqual(expect.any(String));

    // The seed's results layout, read back through /v2/asset_files.
    const status = await getFile(`p:${projectId}`, location.training_status);
    expect(status.status).toBe(200);
    const request = await getFile(`p:${projectId}`, location.model_request_path);
    expect(request.status).toBe(200);
    expect(await request.json()).toMatchObject({ type: 'prompt_tune_1.0', software_spec: { name: 'watsonx-textgen-fm-1.0' } });
    const layout = await platform.api.request<{ resources: { path: string }[] }>(
      'GET',
      `/v2/asset_files?project_id=${projectId}&prefix=${encodeURIComponent(location.assets_path)}/&limit=200`,
      { token },
    );
    expect(layout.body.resources.map((r) => r.path)).toEqual(expect.arrayContaining([location.model_request_path]));
    expect(layout.body.resources.some((r) => r.path.endsWith('/model/prompt_tuning.safetensors'))).toBe(true);

    const asset = await wx.getModel({ modelId, projectId });
    expect(asset.result.entity).toMatchObject({ type: 'prompt_tune_1.0', training: { id: trainingId } });
  }, 900_000);

  it('deploys the tuned asset, which answers the task better than the base model', async () => {
    expect(modelId, 'the training above completed').toBeDefined();
    const created = await wx.createDeployment({
      name: `sentiment-${run}`,
      projectId,
      asset: { id: modelId },
      online: { parameters: { serving_name: `sentiment_${run}` } },
    });
    expect([201, 202]).toContain(created.status);
    const deploymentId = created.result.metadata!.id;
    await until(
      `deployment ${deploymentId} ready`,
      async () => {
        const s = (await wx.getDeployment({ deploymentId, projectId })).result.entity?.status;
        if (s?.state === 'failed') throw new Error(`deployment failed: ${JSON.stringify(s)}`);
        return s?.state === 'ready' ? true : undefined;
      },
      300_000,
    );
    const parameters = { decoding_method: 'greedy', max_new_tokens: 4 };
    // The base model gets the verbalized prompt the tuned deployment builds from the input itself.
    const base = await accuracy(
      async (input) =>
        (await wx.generateText({ modelId: STARTER, projectId, input: VERBALIZER.replace('{{input}}', input), parameters })).result
          .results[0].generated_text,
    );
    const tuned = await accuracy(
      async (input) => (await wx.deploymentGenerateText({ idOrName: deploymentId, input, parameters })).result.results[0].generated_text,
    );
    console.log(
      `prompt tuning accuracy on the sentiment task (${RECORDS.length} records): base ${base.accuracy.toFixed(3)}, tuned ${tuned.accuracy.toFixed(3)}`,
    );
    console.log(`base answers: ${JSON.stringify(base.answers)}\ntuned answers: ${JSON.stringify(tuned.answers)}`);
    expect(tuned.accuracy).toBeGreaterThan(base.accuracy);
    await wx.deleteDeployment({ deploymentId, projectId });
  }, 600_000);

  it('cancels with DELETE and deletes with hard_delete=true', async () => {
    const created = await wx.createTraining({
      name: `cancel-${run}`,
      projectId,
      promptTuning: { base_model: { model_id: STARTER }, task_id: 'classification', num_epochs: 50, verbalizer: VERBALIZER },
      trainingDataReferences: [{ type: 'container', location: { path: 'tune/sentiment.json' } }],
      resultsReference: { type: 'container', location: { path: 'tune/canceled' } },
    });
    const id = created.result.metadata!.id;
    expect((await wx.deleteTraining({ trainingId: id, projectId })).status).toBe(204);
    const canceled = await settleTraining(id, 120_000);
    expect(canceled.entity?.status.state).toBe('canceled');
    expect((await wx.deleteTraining({ trainingId: id, projectId, hardDelete: true })).status).toBe(204);
    const gone = await platform.api.request('GET', `/ml/v4/trainings/${id}?version=${VERSION}&project_id=${projectId}`, { token });
    expect(gone.status).toBe(404);
  }, 300_000);
});

describe('fine tunings of {input, output} records', () => {
  it('completes a full fine tuning in a space and a LoRA fine tuning in a project, both listed', async () => {
    expect(
      (await putFile(`s:${spaceId}`, 'ft/train.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n'), 'application/jsonl')).status,
    ).toBe(201);
    expect((await putFile(`p:${projectId}`, 'ft/train.json', JSON.stringify(RECORDS))).status).toBe(201);
    const parameters = { base_model: { model_id: STARTER }, num_epochs: 2, learning_rate: 0.001, batch_size: 8, max_seq_length: 64 };
    const inSpace = await wx.createFineTuning({
      name: `space-ft-${run}`,
      spaceId,
      parameters,
      trainingDataReferences: [{ type: 'container', location: { path: 'ft/train.jsonl' } }],
      resultsReference: { type: 'container', location: { path: 'ft/results' } },
      tags: ['ft'],
      custom: { n: 1 },
    });
    expect(inSpace.status).toBe(201);
    expect(inSpace.result).toMatchObject({
      metadata: { space_id: spaceId, tags: ['ft'] },
      entity: { custom: { n: 1 }, parameters: { peft_parameters: { type: 'none' } } },
    });
    const lora = await wx.createFineTuning({
      name: `lora-ft-${run}`,
      projectId,
      parameters: {
        ...parameters,
        verbalizer: 'Review: {{input}} Sentiment: {{output}}',
        response_template: ' Sentiment:',
        peft_parameters: { type: 'lora', rank: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'] },
        gradient_checkpointing: true,
      },
      trainingDataReferences: [{ type: 'container', location: { path: 'ft/train.json' } }],
      testDataReferences: [{ type: 'container', location: { path: 'ft/train.json' } }],
      resultsReference: { type: 'container', location: { path: 'ft/results' } },
    });
    expect(lora.status).toBe(201);
    expect(lora.result.entity).toMatchObject({
      parameters: { peft_parameters: { type: 'lora', rank: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'] } },
      test_data_references: [{ type: 'container', location: { path: 'ft/train.json' } }],
    });

    const spaceDone = await settleFineTuning(inSpace.result.metadata!.id, { spaceId });
    expect(spaceDone.entity?.status.state, JSON.stringify(spaceDone.entity?.status)).toBe('completed');
    const loraDone = await settleFineTuning(lora.result.metadata!.id, { projectId });
    expect(loraDone.entity?.status.state, JSON.stringify(loraDone.entity?.status)).toBe('completed');
    expect(loraDone.entity?.status.metrics?.length).toBe(2);

    const inProject = await wx.listFineTunings({ projectId });
    expect(inProject.result.resources?.map((r) => r.metadata?.id)).toContain(lora.result.metadata!.id);
    const spaceList = await wx.listFineTunings({ spaceId });
    expect(spaceList.result.resources?.map((r) => r.metadata?.id)).toEqual([inSpace.result.metadata!.id]);
  }, 900_000);

  it('refuses bad requests with a 400 naming the field and queues nothing', async () => {
    await putFile(`p:${projectId}`, 'bad/not-json.json', '{"input": "a", "output": ');
    await putFile(`p:${projectId}`, 'bad/no-output.jsonl', '{"input": "a", "output": "b"}\n{"input": "c"}\n', 'application/jsonl');
    const before = (await wx.listFineTunings({ projectId, totalCount: true })).result.total_count;
    const ref = (path: string) => [{ type: 'container', location: { path } }];
    const body = (over: Record<string, unknown>, params: Record<string, unknown> = {}) => ({
      name: 'bad',
      project_id: projectId,
      parameters: { base_model: { model_id: STARTER }, ...params },
      training_data_references: ref('ft/train.json'),
      results_reference: { type: 'container', location: { path: 'bad/results' } },
      ...over,
    });
    const cases: [Record<string, unknown>, RegExp][] = [
      [body({}, { verbalizer: 'Q: {{input}} A: {{output}}' }), /^parameters\.response_template$/],
      [body({}, { response_template: ' A:' }), /^parameters\.verbalizer$/],
      [body({}, { base_model: { model_id: 'no/such-model' } }), /^parameters\.base_model\.model_id$/],
      [body({ training_data_references: ref('bad/not-json.json') }), /^training_data_references\[0\]/],
      [body({ training_data_references: ref('bad/no-output.jsonl') }), /^training_data_references\[0\]/],
      [body({ training_data_references: ref('bad/absent.json') }), /^training_data_references\[0\]/],
      [body({}, { num_epochs: 0 }), /^parameters\.num_epochs$/],
      [body({}, { peft_parameters: { type: 'qlora' } }), /^parameters\.peft_parameters\.type$/],
    ];
    for (const [request, field] of cases) {
      const res = await platform.api.request('POST', `/ml/v1/fine_tunings?version=${VERSION}`, { token, body: request });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(envelopeOf(res).target?.name).toMatch(field);
    }
    const training = await platform.api.request('POST', `/ml/v4/trainings?version=${VERSION}`, {
      token,
      body: {
        name: 'bad',
        project_id: projectId,
        prompt_tuning: { base_model: { model_id: STARTER }, num_epochs: 99 },
        training_data_references: ref('tune/sentiment.json'),
        results_reference: { type: 'container', location: { path: 'bad/results' } },
      },
    });
    expect(training.status).toBe(400);
    expect(envelopeOf(training).target?.name).toBe('prompt_tuning.num_epochs');
    expect((await wx.listFineTunings({ projectId, totalCount: true })).result.total_count).toBe(before);
  }, 120_000);
});
