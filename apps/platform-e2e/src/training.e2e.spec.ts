import { randomUUID } from 'node:crypto';
import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { storedEvents } from './support/events';
import { insertDataRun } from './support/data-run';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

const VERSION = '2024-05-31';
const trainingEnv = { PLATFORM_TRAINING_CANCEL_POLL_MS: '200' };

let platform: TestPlatform;
let token: string;
let projectId: string;
let wx: WatsonXAI;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const get = (path: string) => platform.api.request<Record<string, any>>('GET', path, { token }); // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  platform = await startTestPlatform({ env: trainingEnv });
  token = await platform.api.newUser('tara');
  projectId = await platform.api.newProject(token, 'training');
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
}, 300_000);
afterAll(async () => platform?.stop());

/**
 * A trained job's own files through /artifacts: listed in pages, the run log downloaded with its headers and every step's
 * loss in it; paths that climb out are 400s naming `path`, another project's job and absent files 404s.
 */
async function expectArtifacts(id: string): Promise<void> {
  const base = `/v1/projects/${projectId}/models/${id}/artifacts`;
  const paths: string[] = [];
  let next: string | undefined = `${base}?limit=2`;
  while (next) {
    const page = await get(next);
    expect(page.status).toBe(200);
    expect(page.body.artifacts.length).toBeLessThanOrEqual(2);
    paths.push(...page.body.artifacts.map((a: { path: string }) => a.path));
    next = page.body.next ? `${base}?limit=2&start=${page.body.next.start}` : undefined;
  }
  expect(new Set(paths).size).toBe(paths.length);
  for (const dir of ['artifacts/phase1/epoch-1/', 'artifacts/phase2/epoch-1/', 'artifacts/phase2/epoch-2/'])
    expect(
      paths.some((p) => p.startsWith(dir)),
      dir,
    ).toBe(true);
  expect(paths).toContain('logs/train-attempt-1.log');
  expect(paths).toContain('logs/system-attempt-1.json');

  const log = await fetch(`${platform.url}${base}/logs/train-attempt-1.log`, { headers: { authorization: `Bearer ${token}` } });
  expect(log.status).toBe(200);
  expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(log.headers.get('content-disposition')).toBe(`attachment; filename="train-attempt-1.log"; filename*=UTF-8''train-attempt-1.log`);
  const text = await log.text();
  expect(Number(log.headers.get('content-length'))).toBe(Buffer.byteLength(text));
  const steps = text.split('\n').filter((l) => l.includes('"loss"'));
  expect(steps.length).toBeGreaterThan(0);
  // The loss curve after the fact: every step of the log, both phases, in training order.
  const loss = await get(`/v1/projects/${projectId}/models/${id}/loss`);
  expect(loss.status).toBe(200);
  expect(loss.body.total_steps).toBe(steps.length);
  const points = loss.body.points as { phase: number; epoch: number; step: number; loss: number }[];
  expect(points).toHaveLength(steps.length);
  expect(new Set(points.map((p) => p.phase))).toEqual(new Set([1, 2]));
  expect(points.every((p) => Number.isFinite(p.loss) && p.step > 0 && p.epoch > 0)).toBe(true);
  expect(points.map((p) => p.phase * 1e6 + p.step)).toEqual(points.map((p) => p.phase * 1e6 + p.step).sort((a, b) => a - b));

  // The URL parser folds `..` and `%2E%2E` segments before sending: encoded slashes carry the `..` to the gateway.
  for (const bad of ['logs%2F..%2F..%2Fother%2Fmodel.safetensors', 'logs//train-attempt-1.log', 'logs/'])
    expect(envelopeOf(await get(`${base}/${bad}`)), bad).toMatchObject({
      code: 'invalid_request',
      target: { type: 'field', name: 'path' },
    });
  const absent = await get(`${base}/logs/train-attempt-9.log`);
  expect(absent.status).toBe(404);
  expect(envelopeOf(absent).code).toBe('file_not_found');
  const otherProject = await platform.api.newProject(token, 'other-artifacts');
  for (const path of [
    `/v1/projects/${otherProject}/models/${id}/loss`,
    `/v1/projects/${otherProject}/models/${id}/artifacts`,
    `/v1/projects/${otherProject}/models/${id}/artifacts/logs/train-attempt-1.log`,
  ]) {
    const foreign = await get(path);
    expect(foreign.status, path).toBe(404);
    expect(envelopeOf(foreign).code).toBe('model_not_found');
  }
}

describe('InstructLab models (/v1/models)', () => {
  it('refuses data that is not a completed run of the project with the IBM envelope', async () => {
    const missing = await platform.api.request('POST', `/v1/projects/${projectId}/models`, {
      token,
      body: { name: 'm', data_id: randomUUID() },
    });
    expect(missing.status).toBe(400);
    expect(envelopeOf(missing)).toMatchObject({ code: 'invalid_request', target: { type: 'field', name: 'data_id' } });
    const running = await platform.api.request('POST', `/v1/projects/${projectId}/models`, {
      token,
      body: { name: 'm', data_id: await insertDataRun(platform, projectId, { status: 'running' }) },
    });
    expect(running.status).toBe(400);
    expect(envelopeOf(running).message).toMatch(/running/);
    const otherProject = await platform.api.newProject(token, 'other');
    const foreign = await platform.api.request('POST', `/v1/projects/${projectId}/models`, {
      token,
      body: { name: 'm', data_id: await insertDataRun(platform, otherProject) },
    });
    expect(foreign.status).toBe(400);
    const badEpochs = await platform.api.request('POST', `/v1/projects/${projectId}/models`, {
      token,
      body: { name: 'm', data_id: await insertDataRun(platform, projectId), hyperparameters: { phase1_num_epochs: 99 } },
    });
    expect(badEpochs.status).toBe(400);
    expect(envelopeOf(badEpochs).target).toEqual({ type: 'field', name: 'hyperparameters.phase1_num_epochs' });
  });

  it('trains a model in two phases, then ends failed (never completed without metrics) when evaluation cannot judge it', async () => {
    const dataId = await insertDataRun(platform, projectId);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const created = await platform.api.request<Record<string, any>>('POST', `/v1/projects/${projectId}/models`, {
      token,
      body: { name: 'example-model-1', data_id: dataId, hyperparameters: { phase1_num_epochs: 1, phase2_num_epochs: 2, batch_size: 4 } },
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect(created.body).toEqual({
      id,
      project_id: projectId,
      name: 'example-model-1',
      state: '',
      status: 'queued',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
      data_id: dataId,
      base_model: 'starter-llama',
      taxonomy_id: expect.stringMatching(/^[a-z0-9-]{36}$/),
      model_metrics: {
        tokens: { training_estimated: 900, training_total: 0, training_phases: { phase_1_knowledge: 0, phase_2_skills: 0 } },
      },
      href: `${platform.url}/v1/projects/${projectId}/models/${id}`,
    });
    const list = await get(`/v1/models?project_id=${projectId}`);
    expect(list.body.models.map((m: { id: string }) => m.id)).toContain(id);
    expect(list.body.models[0]).not.toHaveProperty('model_metrics');

    // Evaluation may fail fast here, so the short `evaluating` state is not polled for: the published events show
    // the job got there (every phase-2 checkpoint saved and announced).
    const trained = await until('training.job.trained', async () => {
      const events = await storedEvents(platform.events, 'training.job.trained');
      return events.find((e) => e.data.modelId === id);
    });
    expect((trained.data.candidates as unknown[]).length).toBe(2);
    expect((await storedEvents(platform.events, 'training.checkpoint.saved')).filter((e) => e.data.modelId === id)).toHaveLength(3);
    // This platform serves no models, so the real evaluation service cannot judge the candidates: the job must end
    // failed with its reason, never completed without metrics. (The completed path runs in instructlab-flow.e2e.spec.ts.)
    const ended = await until('failed', async () => {
      const r = await get(`/v1/models/${id}?project_id=${projectId}`);
      return ['failed', 'completed'].includes(r.body.status) ? r.body : undefined;
    });
    expect(ended).toMatchObject({ status: 'failed', state: expect.stringMatching(/^[a-z]*$/), completed_at: expect.stringMatching(/Z$/) });
    expect(ended.model_metrics.tokens.training_phases.phase_2_skills).toBeGreaterThan(0);
    expect(ended.model_metrics).not.toHaveProperty('mmlu');
    await expectArtifacts(id);

    const cancelDone = await platform.api.request('POST', `/v1/projects/${projectId}/models/${id}/cancel`, { token });
    expect(cancelDone.status).toBe(400);
    expect((await platform.api.request('DELETE', `/v1/projects/${projectId}/models/${id}`, { token })).status).toBe(204);
    const gone = await get(`/v1/projects/${projectId}/models/${id}`);
    expect(gone.status).toBe(404);
    expect(envelopeOf(gone).code).toBe('model_not_found');
  }, 240_000);

  it('cancels a queued or running model with 204', async () => {
    const created = await platform.api.request<{ id: string }>('POST', `/v1/models?project_id=${projectId}`, {
      token,
      body: { name: 'to-cancel', data_id: await insertDataRun(platform, projectId), hyperparameters: { phase1_num_epochs: 50 } },
    });
    expect(created.status).toBe(202);
    expect((await platform.api.request('POST', `/v1/models/${created.body.id}/cancel?project_id=${projectId}`, { token })).status).toBe(
      204,
    );
    expect((await get(`/v1/projects/${projectId}/models/${created.body.id}`)).body).toMatchObject({
      status: 'canceled',
      completed_at: expect.any(String),
    });
  });
});

describe('fine tunings of type ilab through the official watsonx.ai SDK', () => {
  it('creates, lists in pages, gets, cancels and hard-deletes', async () => {
    const dataId = await insertDataRun(platform, projectId);
    const created = await wx.createFineTuning({
      name: 'ft-ilab',
      projectId,
      type: 'ilab',
      trainingDataReferences: [{ type: 'container', location: { path: `data/${dataId}` } }],
      resultsReference: { type: 'container', location: { path: 'results' } },
      tags: ['e2e'],
    });
    expect(created.status).toBe(201);
    const id = created.result.metadata!.id;
    expect(created.result).toMatchObject({
      metadata: { name: 'ft-ilab', project_id: projectId, tags: ['e2e'] },
      entity: {
        type: 'ilab',
        status: { state: expect.stringMatching(/queued|running/) },
        training_data_references: [{ location: { path: `data/${dataId}` } }],
      },
    });
    const second = await wx.createFineTuning({
      name: 'ft-ilab-2',
      projectId,
      type: 'ilab',
      trainingDataReferences: [{ type: 'container', location: { path: `data/${dataId}` } }],
      resultsReference: { type: 'container', location: { path: 'results' } },
    });

    const page = await wx.listFineTunings({ projectId, limit: 1, totalCount: true });
    expect(page.result.resources).toHaveLength(1);
    expect(page.result.resources![0].metadata!.id).toBe(second.result.metadata!.id);
    expect(page.result.total_count).toBeGreaterThanOrEqual(2);
    expect(page.result.next?.href).toMatch(/start=/);
    const start = new URL(page.result.next!.href).searchParams.get('start')!;
    const next = await wx.listFineTunings({ projectId, limit: 1, start });
    expect(next.result.resources![0].metadata!.id).not.toBe(second.result.metadata!.id);
    expect((await wx.listFineTunings({ projectId, tagValue: 'e2e' })).result.resources!.map((r) => r.metadata!.id)).toEqual([id]);

    expect((await wx.getFineTuning({ id, projectId })).result.metadata!.id).toBe(id);
    await wx.deleteFineTuning({ id, projectId });
    expect((await wx.getFineTuning({ id, projectId })).result.entity!.status.state).toBe('canceled');
    await wx.deleteFineTuning({ id, projectId, hardDelete: true });
    await expect(wx.getFineTuning({ id, projectId })).rejects.toMatchObject({ status: 404 });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const cancel = await platform.api.request<Record<string, any>>(
      'POST',
      `/ml/v1/fine_tunings/${second.result.metadata!.id}/cancel?version=${VERSION}&project_id=${projectId}`,
      { token },
    );
    expect(cancel.status).toBe(200);
    expect(cancel.body.entity.status.state).toBe('canceled');
  });

  it('refuses unknown fine-tuning types, ilab in a space and unknown spaces with the IBM envelope', async () => {
    // Without a type a fine tuning trains {input, output} records (prompt-tuning.e2e.spec.ts); other types are 400s.
    const unknownType = await platform.api.request('POST', `/ml/v1/fine_tunings?version=${VERSION}`, {
      token,
      body: {
        name: 'x',
        project_id: projectId,
        type: 'sft',
        training_data_references: [{ type: 'container', location: { path: 'data/x' } }],
        results_reference: { type: 'container', location: {} },
      },
    });
    expect(unknownType.status).toBe(400);
    expect(envelopeOf(unknownType).target?.name).toBe('type');
    const ilabInSpace = await platform.api.request('POST', `/ml/v1/fine_tunings?version=${VERSION}`, {
      token,
      body: {
        name: 'x',
        space_id: randomUUID(),
        type: 'ilab',
        training_data_references: [{ type: 'container', location: { path: 'data/x' } }],
        results_reference: { type: 'container', location: {} },
      },
    });
    expect(ilabInSpace.status).toBe(400);
    expect(envelopeOf(ilabInSpace).target?.name).toBe('space_id');
    const space = await platform.api.request('GET', `/ml/v1/fine_tunings?version=${VERSION}&space_id=${randomUUID()}`, { token });
    expect(space.status).toBe(404);
    const noVersion = await platform.api.request('GET', `/ml/v1/fine_tunings?project_id=${projectId}`, { token });
    expect(noVersion.status).toBe(400);
  });
});
