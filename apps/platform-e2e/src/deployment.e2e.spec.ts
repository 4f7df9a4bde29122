import { randomBytes, randomUUID } from 'node:crypto';
import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { keeperOf, liveReplicas, processAlive } from './support/deployment-replicas';
import { runIlab, type IlabResult } from './support/ilab-cli';
import { putStoreModel } from './support/model-store';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Deployments through the official watsonx.ai SDK on the embedded default: custom foundation models from the model
 * store (`custom_models/<id>/` of the bucket) served by engine-server replicas the deployment service starts, text
 * and chat by id and by serving name, list filters, updates, a swap of the asset under continuous traffic, a replica
 * killed with SIGKILL, the deployment service itself killed, delete. (A model job's asset is deployed at the end of
 * instructlab-flow.e2e.spec.ts, where a job completes.)
 */
const VERSION = '2024-05-31';
const run = randomBytes(3).toString('hex');
const MODEL_A = `e2e-tiny-a-${run}`;
const MODEL_B = `e2e-tiny-b-${run}`;
const SERVING = `e2e_${run}`;

let platform: TestPlatform;
let wx: WatsonXAI;
let token: string;
let projectId: string;
let assetA: string;
let assetB: string;
let deploymentId: string;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 180_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const stateOf = async (id: string) => (await wx.getDeployment({ deploymentId: id, projectId })).result.entity?.status?.state;

async function waitState(id: string, state: string, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  await until(
    `deployment ${id} ${state}`,
    async () => {
      const s = await stateOf(id);
      if (s === 'failed' && state !== 'failed') {
        const d = (await wx.getDeployment({ deploymentId: id, projectId })).result;
        throw new Error(`deployment failed: ${JSON.stringify(d.entity?.status)}`);
      }
      return s === state ? true : undefined;
    },
    timeoutMs,
  ).catch(async (err: Error) => {
    const d = await platform.api.request('GET', `/ml/v4/deployments/${id}?version=${VERSION}&project_id=${projectId}`, { token });
    throw new Error(`${err.message}; last GET: ${JSON.stringify(d.body)}`);
  });
  return Date.now() - started;
}

const generate = async (idOrName: string, maxNewTokens = 4) =>
  (
    await wx.deploymentGenerateText({
      idOrName,
      input: 'Hello',
      // min_new_tokens: a random model may draw its end-of-sequence token early; the counts stay exact.
      parameters: { decoding_method: 'greedy', max_new_tokens: maxNewTokens, min_new_tokens: maxNewTokens },
    })
  ).result;

/** The log-probabilities of each step's top tokens, which depend on the weights that answer. */
async function tokenLogprobs(idOrName: string): Promise<number[]> {
  const res = await wx.deploymentGenerateText({
    idOrName,
    input: 'Hello',
    parameters: {
      decoding_method: 'greedy',
      max_new_tokens: 4,
      min_new_tokens: 4,
      return_options: { generated_tokens: true, token_logprobs: true, top_n_tokens: 3 },
    },
  });
  const tokens = res.result.results[0].generated_tokens ?? [];
  expect(tokens).toHaveLength(4);
  // The chosen byte is all but certain (log-probability 0): the runners-up are what differ between weights.
  return tokens.flatMap((t) => (t.top_tokens ?? []).map((top) => top.logprob as number));
}

/** Requests in a loop until stopped: how many succeeded and which failed (status or message). */
function traffic(fn: () => Promise<unknown>, loops = 2) {
  let stop = false;
  const ok = { count: 0 };
  const failures: string[] = [];
  const workers = Array.from({ length: loops }, async () => {
    while (!stop) {
      try {
        await fn();
        ok.count += 1;
      } catch (err) {
        const e = err as { status?: number; message?: string };
        failures.push(`${e.status ?? ''} ${e.message ?? String(err)}`.trim());
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  return {
    failures,
    ok,
    stop: async () => {
      stop = true;
      await Promise.all(workers);
    },
  };
}

function ilab(args: string[]): Promise<IlabResult> {
  return runIlab(args, { ILAB_URL: platform.url, ILAB_TOKEN: token, ILAB_PROJECT_ID: projectId });
}

beforeAll(async () => {
  // Short keeper timings, so a killed replica or service is noticed in about a second rather than the defaults'.
  platform = await startTestPlatform({
    env: {
      PLATFORM_DEPLOYMENT_TICK_MS: '250',
      PLATFORM_DEPLOYMENT_RESTART_MIN_MS: '200',
      PLATFORM_DEPLOYMENT_RESTART_MAX_MS: '2000',
      PLATFORM_DEPLOYMENT_LEASE_MS: '4000',
      PLATFORM_DEPLOYMENT_HEARTBEAT_MS: '1000',
      PLATFORM_DEPLOYMENT_ACK_WAIT_MS: '4000',
      PLATFORM_DEPLOYMENT_DRAIN_TIMEOUT_MS: '30000',
      PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '250',
      // The traffic loops send requests as fast as the tiny model answers, beyond the per-user inference bucket: a
      // 429 would be the test's own doing, not the swap's.
      PLATFORM_RATE_LIMIT_INFERENCE_BURST: '1000000',
      PLATFORM_RATE_LIMIT_INFERENCE_PER_MINUTE: '1000000',
    },
  });
  token = await platform.api.newUser('dora');
  projectId = await platform.api.newProject(token, 'deployments');
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
  await putStoreModel(MODEL_A, 1);
  await putStoreModel(MODEL_B, 2);
}, 300_000);
afterAll(async () => platform?.stop());

describe('custom foundation model deployments through the official SDK', () => {
  let textById: string;
  /** Model A's log-probabilities of each step's top tokens: a random tiny model echoes its input's last byte, so the text
   * alone cannot tell two of them apart, but the probabilities differ with the weights. */
  let logprobsA: number[];

  it('lists the model store and creates model assets of its models', async () => {
    const store = await platform.api.request<{ resources: { model_id: string }[] }>(
      'GET',
      `/ml/v4/custom_foundation_models?version=${VERSION}&limit=200`,
      { token },
    );
    expect(store.status).toBe(200);
    expect(store.body.resources.map((r) => r.model_id)).toEqual(expect.arrayContaining([MODEL_A, MODEL_B]));

    const create = (modelId: string) =>
      wx.createModel({
        name: modelId,
        projectId,
        type: 'custom_foundation_model_1.0',
        softwareSpec: { name: 'watsonx-cfm-caikit-1.0' },
        foundationModel: { model_id: modelId },
      });
    const a = await create(MODEL_A);
    expect(a.status).toBe(201);
    expect(a.result).toMatchObject({
      metadata: { name: MODEL_A, project_id: projectId },
      entity: { type: 'custom_foundation_model_1.0', foundation_model: { model_id: MODEL_A } },
    });
    assetA = a.result.metadata!.id;
    assetB = (await create(MODEL_B)).result.metadata!.id;
  });

  it('creates a deployment with a serving name that becomes ready with its inference URLs', async () => {
    const created = await wx.createDeployment({
      name: 'tiny-a',
      projectId,
      description: 'e2e',
      tags: ['e2e'],
      asset: { id: assetA },
      online: { parameters: { serving_name: SERVING } },
      hardwareSpec: { id: 'PLATFORM-CPU' },
    });
    expect([201, 202]).toContain(created.status);
    deploymentId = created.result.metadata!.id;
    expect(created.result.entity).toMatchObject({
      asset: { id: assetA },
      deployed_asset_type: 'custom_foundation_model',
      online: { parameters: { serving_name: SERVING } },
      status: { state: expect.stringMatching(/^(initializing|ready)$/) },
    });
    const ms = await waitState(deploymentId, 'ready');
    console.log(`deployment e2e: POST → ready in ${ms} ms`);
    const got = (await wx.getDeployment({ deploymentId, projectId })).result;
    const urls = got.entity?.status?.inference ?? [];
    const base = `${platform.url}/ml/v1/deployments`;
    expect(urls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ url: `${base}/${deploymentId}/text/generation` }),
        expect.objectContaining({ url: `${base}/${SERVING}/text/generation`, uses_serving_name: true }),
        expect.objectContaining({ url: `${base}/${deploymentId}/text/generation_stream`, sse: true }),
        expect.objectContaining({ url: `${base}/${SERVING}/text/generation_stream`, sse: true, uses_serving_name: true }),
      ]),
    );
    expect(got.entity?.status?.message).toMatchObject({ level: 'info' });
  });

  it('generates text, unary and streamed, by id and by serving name', async () => {
    const byId = await generate(deploymentId);
    expect(byId.results[0]).toMatchObject({ generated_token_count: 4, stop_reason: 'max_tokens' });
    textById = byId.results[0].generated_text;
    logprobsA = await tokenLogprobs(deploymentId);
    expect((await generate(SERVING)).results[0].generated_text).toBe(textById);

    for (const idOrName of [deploymentId, SERVING]) {
      const events: WatsonXAI.ObjectStreamed<WatsonXAI.TextGenResponse>[] = [];
      for await (const e of await wx.deploymentGenerateTextStream({
        idOrName,
        input: 'Hello',
        parameters: { decoding_method: 'greedy', max_new_tokens: 4, min_new_tokens: 4 },
        returnObject: true,
      }))
        events.push(e);
      expect(events.map((e) => e.data.results[0].generated_text).join('')).toBe(textById);
      expect(events[events.length - 1].data.results[0]).toMatchObject({ stop_reason: 'max_tokens', generated_token_count: 4 });
    }
  });

  it('chats, unary and streamed, by id and by serving name', async () => {
    const messages = [{ role: 'user', content: 'Hello' }] as WatsonXAI.DeploymentTextChatMessages[];
    const unary = await wx.deploymentsTextChat({ idOrName: deploymentId, messages, maxTokens: 4, temperature: 0 });
    const content = unary.result.choices[0].message?.content;
    expect(typeof content).toBe('string');
    expect(unary.result.usage?.completion_tokens).toBeGreaterThan(0);
    expect(unary.result.usage?.completion_tokens).toBeLessThanOrEqual(4);
    expect(
      (await wx.deploymentsTextChat({ idOrName: SERVING, messages, maxTokens: 4, temperature: 0 })).result.choices[0].message?.content,
    ).toBe(content);
    const deltas: string[] = [];
    for await (const e of await wx.deploymentsTextChatStream({
      idOrName: SERVING,
      messages,
      maxTokens: 4,
      temperature: 0,
      returnObject: true,
    }))
      for (const c of e.data.choices ?? []) deltas.push(c.delta?.content ?? '');
    expect(deltas.join('')).toBe(content);
  });

  it('the CLI lists it and chats with it by serving name', async () => {
    const list = await ilab(['deployment', 'list', '--serving-name', SERVING]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${deploymentId}\\s+tiny-a\\s+${SERVING}\\s+ready\\s+custom_foundation_model\\s`, 'm'));
    const get = await ilab(['deployment', 'get', '--id', deploymentId]);
    expect(get.stdout).toContain(`${platform.url}/ml/v1/deployments/${SERVING}/text/generation_stream   (SSE)`);
    const chat = await ilab(['model', 'chat', '--deployment', SERVING, '-q', 'Hello', '--max-tokens', '4', '--temperature', '0']);
    expect(chat.code, chat.stderr).toBe(0);
    const unary = await wx.deploymentsTextChat({
      idOrName: SERVING,
      messages: [{ role: 'user', content: 'Hello' }] as WatsonXAI.DeploymentTextChatMessages[],
      maxTokens: 4,
      temperature: 0,
    });
    expect(chat.stdout).toBe(`${unary.result.choices[0].message?.content}\n`);
  });

  it('lists deployments with the seed filters', async () => {
    const ids = async (params: Omit<WatsonXAI.ListDeploymentsParams, 'projectId'>) =>
      ((await wx.listDeployments({ projectId, ...params })).result.resources ?? []).map((d) => d.metadata?.id);
    expect(await ids({})).toEqual([deploymentId]);
    expect(await ids({ servingName: SERVING })).toEqual([deploymentId]);
    expect(await ids({ tagValue: 'e2e' })).toEqual([deploymentId]);
    expect(await ids({ assetId: assetA })).toEqual([deploymentId]);
    expect(await ids({ name: 'tiny-a' })).toEqual([deploymentId]);
    expect(await ids({ type: 'custom_foundation_model' })).toEqual([deploymentId]);
    expect(await ids({ state: 'ready' })).toEqual([deploymentId]);
    expect(await ids({ tagValue: 'other' })).toEqual([]);
    expect(await ids({ assetId: assetB })).toEqual([]);
    expect(await ids({ type: 'prompt_tune' })).toEqual([]);
    expect(await ids({ state: 'failed' })).toEqual([]);
    const other = await platform.api.newProject(token, 'empty');
    expect((await wx.listDeployments({ projectId: other })).result.resources).toEqual([]);
  });

  it('refuses bad input with the IBM envelope naming the field, creating nothing', async () => {
    const post = (body: Record<string, unknown>) =>
      platform.api.request('POST', `/ml/v4/deployments?version=${VERSION}`, {
        token,
        body: { name: 'bad', project_id: projectId, online: {}, hardware_spec: { id: 'PLATFORM-CPU' }, ...body },
      });
    const unknown = await post({ asset: { id: randomUUID() } });
    expect(unknown.status).toBe(404);
    envelopeOf(unknown);
    const taken = await post({ asset: { id: assetB }, online: { parameters: { serving_name: SERVING } } });
    expect(taken.status).toBe(409);
    expect(envelopeOf(taken).target?.name).toMatch(/serving_name/);
    for (const name of ['Bad-Name', 'x'.repeat(37), '']) {
      const bad = await post({ asset: { id: assetB }, online: { parameters: { serving_name: name } } });
      expect(bad.status, name).toBe(400);
      expect(envelopeOf(bad).target?.name).toMatch(/serving_name/);
    }
    // The seed's custom foundation model rules: base_model_id and hardware_request forbidden, hardware_spec required.
    const forbidden = await post({ asset: { id: assetB }, base_model_id: 'ibm/granite' });
    expect(forbidden.status).toBe(400);
    expect(envelopeOf(forbidden).target?.name).toBe('base_model_id');
    const request = await post({ asset: { id: assetB }, hardware_request: { size: 'gpu_s', num_nodes: 1 } });
    expect(request.status).toBe(400);
    expect(envelopeOf(request).target?.name).toBe('hardware_request');
    const noSpec = await post({ asset: { id: assetB }, hardware_spec: undefined });
    expect(noSpec.status).toBe(400);
    expect(envelopeOf(noSpec).target?.name).toMatch(/^hardware_spec/);
    const badSpec = await post({ asset: { id: assetB }, hardware_spec: { id: 'WX-XXL' } });
    expect(badSpec.status).toBe(400);
    expect(envelopeOf(badSpec).target?.name).toMatch(/^hardware_spec/);
    const noOnline = await post({ asset: { id: assetB }, online: undefined });
    expect(noOnline.status).toBe(400);
    expect(envelopeOf(noOnline).target?.name).toBe('online');
    await expect(wx.deploymentGenerateText({ idOrName: 'no_such_name', input: 'x' })).rejects.toMatchObject({ status: 404 });
    expect(((await wx.listDeployments({ projectId })).result.resources ?? []).map((d) => d.metadata?.id)).toEqual([deploymentId]);
  });

  it('a signed-in user outside its project gets the 404 of an unknown deployment, by id and by serving name', async () => {
    const outsider = await platform.api.newUser('mallory');
    const ownProject = await platform.api.newProject(outsider, 'elsewhere');
    /** Status, code and message (the name asked for left out) of a text request of the outsider. */
    const answer = async (idOrName: string) => {
      const res = await platform.api.request('POST', `/ml/v1/deployments/${idOrName}/text/generation?version=${VERSION}`, {
        token: outsider,
        body: { input: 'Hello', parameters: { max_new_tokens: 1 } },
      });
      const { code, message } = envelopeOf(res);
      return { status: res.status, code, message: message.replace(idOrName, '<id_or_name>') };
    };
    const unknown = await answer(randomUUID());
    expect(unknown).toMatchObject({ status: 404, code: 'deployment_not_found' });
    expect(await answer(deploymentId)).toEqual(unknown);
    expect(await answer(SERVING)).toEqual(await answer(`no_such_${run}`));
    expect(await answer(SERVING)).toEqual(unknown);
    // The 404 is about the caller: the owner generates with it.
    expect((await generate(SERVING)).results[0].generated_token_count).toBe(4);

    const get = (project: string) =>
      platform.api.request('GET', `/ml/v4/deployments/${deploymentId}?version=${VERSION}&project_id=${project}`, { token: outsider });
    expect((await get(projectId)).status).toBe(403);
    const elsewhere = await get(ownProject);
    expect(elsewhere.status).toBe(404);
    expect(envelopeOf(elsewhere).code).toBe('deployment_not_found');
    const list = await platform.api.request<{ resources: unknown[] }>(
      'GET',
      `/ml/v4/deployments?version=${VERSION}&project_id=${ownProject}`,
      {
        token: outsider,
      },
    );
    expect(list.status).toBe(200);
    expect(list.body.resources).toEqual([]);
  });

  it('updates name, tags and the serving name through the SDK', async () => {
    const renamed = await wx.updateDeployment({
      deploymentId,
      projectId,
      jsonPatch: [
        { op: 'replace', path: '/name', value: 'tiny-renamed' },
        { op: 'replace', path: '/tags', value: ['e2e', 'renamed'] },
      ],
    });
    expect(renamed.result.metadata).toMatchObject({ name: 'tiny-renamed', tags: ['e2e', 'renamed'] });
    const newName = `${SERVING}_2`;
    const moved = await wx.updateDeployment({
      deploymentId,
      projectId,
      jsonPatch: [{ op: 'replace', path: '/online/parameters', value: { serving_name: newName } }],
    });
    expect(moved.result.entity?.online?.parameters).toMatchObject({ serving_name: newName });
    expect((await generate(newName)).results[0].generated_text).toBe(textById);
    await expect(generate(SERVING)).rejects.toMatchObject({ status: 404 });
    // Back to the first name (the later tests use it), which is free again.
    await wx.updateDeployment({
      deploymentId,
      projectId,
      jsonPatch: [{ op: 'replace', path: '/online/parameters', value: { serving_name: SERVING } }],
    });
    expect((await generate(SERVING)).results[0].generated_text).toBe(textById);
    const badPatch = await platform.api.request('PATCH', `/ml/v4/deployments/${deploymentId}?version=${VERSION}&project_id=${projectId}`, {
      token,
      headers: { 'content-type': 'application/json-patch+json' },
      body: [{ op: 'replace', path: '/online/parameters', value: { serving_name: 'No-Good' } }],
    });
    expect(badPatch.status).toBe(400);
    expect(envelopeOf(badPatch).target?.name).toMatch(/serving_name/);
  });

  it('swaps the asset under continuous traffic without a failed request', async () => {
    const before = await liveReplicas(platform, deploymentId);
    expect(before.length).toBeGreaterThan(0);
    const unary = traffic(() => generate(SERVING, 2));
    // Streams too: one running on the old replica when it is drained must still end normally.
    const streams = traffic(async () => {
      let last: WatsonXAI.TextGenResponseFieldsResultsItem | undefined;
      for await (const e of await wx.deploymentGenerateTextStream({
        idOrName: SERVING,
        input: 'Hello',
        parameters: { decoding_method: 'greedy', max_new_tokens: 16, min_new_tokens: 16 },
        returnObject: true,
      }))
        last = e.data.results[0];
      if (last?.stop_reason !== 'max_tokens') throw new Error(`stream ended with ${JSON.stringify(last)}`);
    }, 1);
    try {
      await until('traffic flowing', async () => (unary.ok.count >= 3 && streams.ok.count >= 1 ? true : undefined), 60_000);
      const swapped = await wx.updateDeployment({
        deploymentId,
        projectId,
        jsonPatch: [{ op: 'replace', path: '/asset', value: { id: assetB } }],
      });
      expect(swapped.result.entity?.asset).toMatchObject({ id: assetB });
      // Done when the deployment is ready again and every replica of the old asset is gone.
      await until(
        'the swap to finish',
        async () => {
          if ((await stateOf(deploymentId)) !== 'ready') return undefined;
          const live = await liveReplicas(platform, deploymentId);
          return live.length > 0 && live.every((r) => !before.some((b) => b.pid === r.pid)) ? true : undefined;
        },
        240_000,
      );
      const settled = unary.ok.count;
      await until('traffic after the swap', async () => (unary.ok.count >= settled + 3 ? true : undefined), 60_000);
    } finally {
      await Promise.all([unary.stop(), streams.stop()]);
    }
    const failed = unary.failures.length + streams.failures.length;
    console.log(
      `deployment e2e swap: ${unary.ok.count} requests and ${streams.ok.count} streams succeeded, ${failed} failed ${JSON.stringify([...unary.failures, ...streams.failures].slice(0, 5))}`,
    );
    expect(failed).toBe(0);
    for (const b of before) expect(processAlive(b.pid), `old replica ${b.pid} stopped`).toBe(false);
    // Model B's weights now answer.
    expect(await tokenLogprobs(SERVING)).not.toEqual(logprobsA);
    expect((await wx.listDeployments({ projectId, assetId: assetB })).result.resources?.map((d) => d.metadata?.id)).toEqual([deploymentId]);
  });

  it('replaces a replica killed with SIGKILL, and traffic recovers', async () => {
    const [victim] = await liveReplicas(platform, deploymentId);
    expect(victim).toBeDefined();
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    const replacement = await until('a new replica', async () => {
      const live = await liveReplicas(platform, deploymentId);
      return live.find((r) => r.pid !== victim.pid && r.state === 'ready');
    });
    await until(
      'generation again',
      async () => ((await generate(SERVING)).results[0].generated_token_count === 4 ? true : undefined),
      120_000,
    );
    console.log(
      `deployment e2e: SIGKILLed replica ${victim.pid} replaced by ${replacement.pid}, traffic back after ${Date.now() - killedAt} ms`,
    );
    expect(await stateOf(deploymentId)).toBe('ready');
  });

  it('a killed deployment service finds its replicas again when restarted', async () => {
    const service = platform.processes().find((p) => p.name === 'deployment');
    expect(service, 'the launcher runs the deployment service').toBeDefined();
    const before = await liveReplicas(platform, deploymentId);
    const oldKeeper = await keeperOf(platform, deploymentId);
    expect(oldKeeper).not.toBeNull();
    const oldPid = service!.child.pid;
    // Traffic goes on while the service is down: the inference service keeps routing to the running replica.
    const during = traffic(() => generate(SERVING, 2), 1);
    try {
      service!.child.kill('SIGKILL');
      await until(
        'the service restarted',
        async () => (service!.child.pid !== oldPid && (await stateOf(deploymentId)) ? true : undefined),
        120_000,
      );
      // Its keeper's lease lapses and the restarted service's keeper claims the deployment.
      await until('a new keeper', async () => {
        const owner = await keeperOf(platform, deploymentId);
        return owner && owner !== oldKeeper ? owner : undefined;
      });
      // The new keeper has taken the deployment over: its replicas are running (the same ones, adopted, or
      // replacements) and exactly as many as before.
      await until(
        'replicas kept',
        async () => {
          const live = (await liveReplicas(platform, deploymentId)).filter((r) => r.state === 'ready');
          return live.length === before.length ? live : undefined;
        },
        120_000,
      );
      const after = await liveReplicas(platform, deploymentId);
      const adopted = after.filter((r) => before.some((b) => b.pid === r.pid)).length;
      console.log(
        `deployment e2e service restart: ${adopted} of ${before.length} replicas adopted, ${during.ok.count} requests succeeded and ${during.failures.length} failed while it restarted ${JSON.stringify([...new Set(during.failures)].slice(0, 3))}`,
      );
      for (const b of before)
        if (!after.some((a) => a.pid === b.pid)) expect(processAlive(b.pid), `unadopted replica ${b.pid} stopped`).toBe(false);
      expect((await generate(SERVING)).results[0].generated_token_count).toBe(4);
      expect(await stateOf(deploymentId)).toBe('ready');
    } finally {
      await during.stop();
    }
  });

  it('deletes the deployment: 404 after, its replicas stopped, the serving name free', async () => {
    const replicas = await liveReplicas(platform, deploymentId);
    const deleted = await wx.deleteDeployment({ deploymentId, projectId });
    expect([202, 204]).toContain(deleted.status);
    await expect(wx.getDeployment({ deploymentId, projectId })).rejects.toMatchObject({ status: 404 });
    await expect(generate(SERVING)).rejects.toMatchObject({ status: 404 });
    expect((await wx.listDeployments({ projectId })).result.resources).toEqual([]);
    await until('replicas stopped', async () => (replicas.every((r) => !processAlive(r.pid)) ? true : undefined), 120_000);
    const again = await ilab(['deployment', 'delete', '--id', deploymentId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/HTTP 404/);
    // The name can be taken again at once.
    const reuse = await wx.createDeployment({
      name: 'reuse',
      projectId,
      asset: { id: assetA },
      online: { parameters: { serving_name: SERVING } },
      hardwareSpec: { id: 'PLATFORM-CPU' },
    });
    await wx.deleteDeployment({ deploymentId: reuse.result.metadata!.id, projectId });
  });
});
