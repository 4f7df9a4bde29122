import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, unary, type GrpcServiceClient } from '@platform/common';
import { deploymentV1, trainingV1 } from '@platform/contracts';
import { writeTinyModel } from '@platform/engine/internals';
import { freePort } from '@platform/infra';
import type { ObjectStore } from '@platform/object-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTrainingService } from '../main';
import {
  createDatabase,
  objectStoreOf,
  specEnv,
  startServiceChild,
  trainingClient,
  waitUntil,
  type ServiceChild,
  type TrainingClient,
} from '../testing/training-fixture';

const S = trainingV1.ModelJobStatus;
const tag = randomBytes(4).toString('hex');
const projectId = randomUUID();
const spaceId = randomUUID();
const root = mkdtempSync(join(tmpdir(), 'tunings-int-'));

let store: ObjectStore;
let env: NodeJS.ProcessEnv;
let api: Awaited<ReturnType<typeof startTrainingService>>;
let client: TrainingClient;
const workers: ServiceChild[] = [];
let deployment: ServiceChild;
let assets: GrpcServiceClient<deploymentV1.ModelAssetServiceClient>;

/** Records a model can learn: a capital city for each country name, many times over. */
function records(n: number): { input: string; output: string }[] {
  const pairs = [
    ['France', 'Paris'],
    ['Italy', 'Rome'],
    ['Spain', 'Madrid'],
    ['Japan', 'Tokyo'],
  ];
  return Array.from({ length: n }, (_, i) => ({ input: `Capital of ${pairs[i % 4][0]}?`, output: pairs[i % 4][1] }));
}

const put = (key: string, body: string) => store.put(key, Buffer.from(body));
const projectFile = (path: string) => `projects/${projectId}/assets/${path}`;
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out.sort();
}

function request(o: Partial<trainingV1.CreateTuningRequest>): trainingV1.CreateTuningRequest {
  return {
    kind: 'prompt_tuning',
    projectId,
    spaceId: '',
    name: `t-${randomBytes(3).toString('hex')}`,
    description: '',
    tags: [],
    createdBy: 'tester',
    baseModel: '',
    settings: undefined,
    trainingDataReferencesJson: '',
    testDataReferencesJson: '',
    resultsReferenceJson: '',
    customJson: '',
    autoUpdateModel: false,
    jobUuid: '',
    datasetId: '',
    validationDatasetId: '',
    startModelPrefix: '',
    ...o,
  };
}

function settings(o: Partial<trainingV1.TuningSettingsRequest>): trainingV1.TuningSettingsRequest {
  return {
    method: '',
    objective: '',
    verbalizer: '',
    responseTemplate: '',
    initMethod: '',
    initText: '',
    loraTargetModules: [],
    taskId: '',
    ...o,
  };
}

const container = (ref: string) => JSON.stringify([{ type: 'container', location: { path: ref } }]);

async function tuning(id: string, c: { projectId?: string; spaceId?: string } = { projectId }): Promise<trainingV1.ModelJob> {
  const res = await client.getTuning({ projectId: c.projectId ?? '', spaceId: c.spaceId ?? '', id, kinds: [] });
  return res.modelJob!;
}

const finished = (id: string, c?: { projectId?: string; spaceId?: string }, timeoutMs = 240_000) =>
  waitUntil(
    `tuning ${id} finished`,
    async () => {
      const j = await tuning(id, c);
      return j.status === S.MODEL_JOB_STATUS_COMPLETED || j.status === S.MODEL_JOB_STATUS_FAILED || j.status === S.MODEL_JOB_STATUS_CANCELED
        ? j
        : undefined;
    },
    timeoutMs,
    250,
  );

function trainerProcessesOf(id: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes('training/cli.ts') && l.includes(id));
}

beforeAll(async () => {
  const infra = { databaseUrl: inject('databaseUrl'), natsUrl: inject('natsUrl'), s3: inject('s3') };
  const databaseUrl = await createDatabase(infra.databaseUrl, `tunings_${tag}`);
  writeTinyModel(join(root, 'base'));
  env = { ...specEnv(infra, tag, databaseUrl, `${join(root, 'base')}:tiny-base`), PLATFORM_TRAINING_WORK_DIR: join(root, 'work') };
  store = objectStoreOf(infra);
  Object.assign(process.env, env, { PLATFORM_TRAINING_WORKERS: '0' });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  api = await startTrainingService({ grpcUrl, opsPort: await freePort() });
  client = trainingClient(grpcUrl);
  // The real deployment service (API only) for auto_update_model: it asks this spec's training API about the tuning.
  deployment = await startServiceChild('deployment', {
    ...env,
    PLATFORM_TRAINING_GRPC_URL: grpcUrl,
    PLATFORM_DEPLOYMENT_KEEPERS: '0',
    PLATFORM_MODEL_STORE_PREFIX: `t${tag}/custom_models/`,
    PLATFORM_EVENTS_PREFIX: `d${tag}.events`,
    PLATFORM_EVENTS_STREAM: `TUNINGS_DEP_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_DEPLOYMENT_JOBS_STREAM: `TUNINGS_DEP_JOBS_${tag.toUpperCase()}`,
    PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX: `d${tag}.jobs`,
    PLATFORM_DEPLOYMENT_JOBS_DURABLE: `tunings_${tag}`,
  });
  env.PLATFORM_DEPLOYMENT_GRPC_URL = deployment.grpcUrl;
  assets = connectGrpcService<deploymentV1.ModelAssetServiceClient>('deployment', deploymentV1.MODEL_ASSET_SERVICE_NAME, {
    url: deployment.grpcUrl,
  });
  workers.push(await startServiceChild('training', { ...env, PLATFORM_TRAINING_WORKERS: '1' }));
}, 240_000);

afterAll(async () => {
  client?.close();
  assets?.close();
  await Promise.allSettled(workers.map((w) => w.stop()));
  await deployment?.stop();
  await api?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('tunings on the training service', () => {
  it('refuses bad settings and bad data with INVALID_ARGUMENT naming the field, and queues nothing', async () => {
    const invalid = (field: string) => ({ code: GrpcStatus.INVALID_ARGUMENT, details: expect.stringContaining(field) });
    await put(projectFile('bad/good.jsonl'), jsonl(records(4)));
    await put(projectFile('bad/no-output.jsonl'), jsonl([...records(2), { input: 'x' }]));
    await put(projectFile('bad/not-json.json'), '[{"input": "a", "output": "b"},');
    const good = { type: 'container', location: { path: 'bad/good.jsonl' } };
    const two = (path: string) => JSON.stringify([good, { type: 'container', location: { path } }]);

    await expect(
      client.createTuning(request({ trainingDataReferencesJson: two('bad/good.jsonl'), settings: settings({ numEpochs: 0 }) })),
    ).rejects.toMatchObject(invalid('prompt_tuning.num_epochs'));
    await expect(
      client.createTuning(request({ trainingDataReferencesJson: two('bad/good.jsonl'), settings: settings({ learningRate: 0.9 }) })),
    ).rejects.toMatchObject(invalid('prompt_tuning.learning_rate'));
    await expect(
      client.createTuning(request({ trainingDataReferencesJson: two('bad/good.jsonl'), settings: settings({ initMethod: 'text' }) })),
    ).rejects.toMatchObject(invalid('prompt_tuning.init_text'));
    await expect(
      client.createTuning(request({ trainingDataReferencesJson: two('bad/good.jsonl'), baseModel: 'google/flan-t5-xl' })),
    ).rejects.toMatchObject(invalid('prompt_tuning.base_model.model_id'));
    await expect(
      client.createTuning(
        request({
          kind: 'fine_tuning',
          trainingDataReferencesJson: two('bad/good.jsonl'),
          settings: settings({ verbalizer: '{{input}}' }),
        }),
      ),
    ).rejects.toMatchObject(invalid('parameters.response_template'));
    await expect(
      client.createTuning(
        request({ kind: 'fine_tuning', trainingDataReferencesJson: two('bad/good.jsonl'), settings: settings({ batchSize: 0 }) }),
      ),
    ).rejects.toMatchObject(invalid('parameters.batch_size'));

    const noOutput = client.createTuning(request({ trainingDataReferencesJson: two('bad/no-output.jsonl') }));
    await expect(noOutput).rejects.toMatchObject(invalid('training_data_references[1]'));
    await expect(noOutput).rejects.toMatchObject({ details: expect.stringContaining('line 3 input and output must be strings') });
    await expect(client.createTuning(request({ trainingDataReferencesJson: two('bad/not-json.json') }))).rejects.toMatchObject(
      invalid('training_data_references[1]'),
    );
    await expect(client.createTuning(request({ trainingDataReferencesJson: two('bad/missing.jsonl') }))).rejects.toMatchObject(
      invalid('training_data_references[1]'),
    );
    await expect(
      client.createTuning(
        request({
          trainingDataReferencesJson: JSON.stringify([{ type: 'fs', location: { path: `/projects/${randomUUID()}/assets/x.json` } }]),
        }),
      ),
    ).rejects.toMatchObject(invalid('training_data_references[0].location.path'));
    await expect(client.createTuning(request({ trainingDataReferencesJson: '' }))).rejects.toMatchObject(
      invalid('training_data_references'),
    );

    const listed = await client.listTunings({ projectId, spaceId: '', kinds: [], start: '', limit: 0, state: '', tagValue: '' });
    expect(listed.modelJobs).toEqual([]);
    expect(listed.totalCount).toBe(0);
  });

  it('runs a prompt tuning on {input, output} JSON to completed, with per-epoch loss, the seed results layout and its model asset', async () => {
    await put(projectFile('pt/data.json'), JSON.stringify(records(24)));
    const { modelJob } = await client.createTuning(
      request({
        trainingDataReferencesJson: JSON.stringify([{ id: 'data.json', type: 'container', location: { path: 'pt/data.json' } }]),
        resultsReferenceJson: JSON.stringify({ type: 'container', location: { path: 'pt/results' } }),
        settings: settings({ numEpochs: 3, batchSize: 4, verbalizer: 'Question: {{input}} Answer:', taskId: 'generation' }),
        tags: ['pt'],
        customJson: JSON.stringify({ team: 'a' }),
        autoUpdateModel: true,
      }),
    );
    const id = modelJob!.id;
    expect(modelJob).toMatchObject({ kind: 'prompt_tuning', status: S.MODEL_JOB_STATUS_QUEUED, projectId, spaceId: '', dataId: '' });
    expect(modelJob!.tuning!.settings).toMatchObject({ method: 'prompt_tuning', numEpochs: 3, initMethod: 'random', taskId: 'generation' });
    const done = await finished(id);
    expect(done.failureReason).toBe('');
    expect(done).toMatchObject({ status: S.MODEL_JOB_STATUS_COMPLETED, state: 'completed' });
    const t = done.tuning!;
    expect(t.metrics.map((m) => m.iteration)).toEqual([0, 1, 2]);
    for (const m of t.metrics) expect(m.loss).toBeGreaterThan(0);
    expect(t.resultPrefix).toBe(`trained_models/${id}/model/`);
    expect(done.checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(await store.exists(`${t.resultPrefix}model.safetensors`)).toBe(true);
    expect(JSON.parse(t.customJson)).toEqual({ team: 'a' });

    const ref = JSON.parse(t.resultsReferenceJson) as { location: Record<string, string> };
    expect(ref.location).toMatchObject({
      path: 'pt/results',
      training: `pt/results/${id}`,
      training_status: `pt/results/${id}/training-status.json`,
      assets_path: `pt/results/${id}/assets`,
    });
    expect(ref.location.model_request_path).toMatch(
      new RegExp(`^pt/results/${id}/assets/[0-9a-f-]{36}/resources/wml_model/request\\.json$`),
    );
    const status = JSON.parse((await store.getBuffer(projectFile(ref.location.training_status))).toString()) as Record<string, unknown>;
    expect(status).toMatchObject({ id, state: 'completed' });
    expect((status.metrics as unknown[]).length).toBe(3);
    const req = JSON.parse((await store.getBuffer(projectFile(ref.location.model_request_path))).toString()) as Record<string, unknown>;
    expect(req).toMatchObject({
      type: 'prompt_tune_1.0',
      software_spec: { name: 'watsonx-textgen-fm-1.0' },
      training: { id },
      project_id: projectId,
    });
    const assetDir = ref.location.model_request_path.replace(/resources\/wml_model\/request\.json$/, 'model/');
    expect(await keys(projectFile(assetDir))).toContain(projectFile(`${assetDir}model.safetensors`));
    // Nothing half-written is left beside the results.
    expect((await keys(projectFile('pt/results/'))).filter((k) => k.includes('.tmp-'))).toEqual([]);

    // auto_update_model: the deployment service's prompt-tune asset of this training, its weights the published model.
    expect(t.modelAssetId).not.toBe('');
    const asset = (await unary(assets.service.getModelAsset({ projectId, spaceId: '', id: t.modelAssetId }))).model!;
    expect(asset).toMatchObject({ type: 'prompt_tune_1.0', trainingId: id, softwareSpecName: 'watsonx-textgen-fm-1.0' });

    const logs = await client.getTuningLogs({ projectId, spaceId: '', id, kinds: ['prompt_tuning'], maxLines: 0 });
    expect(logs.lines.some((l) => l.includes('"event":"completed"'))).toBe(true);
    // A surface that shows other kinds does not see it; the list filters by state and tag.
    await expect(client.getTuning({ projectId, spaceId: '', id, kinds: ['fine_tuning'] })).rejects.toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
    const list = await client.listTunings({
      projectId,
      spaceId: '',
      kinds: ['prompt_tuning'],
      start: '',
      limit: 0,
      state: 'completed',
      tagValue: 'pt',
    });
    expect(list.modelJobs.map((j) => j.id)).toEqual([id]);
    // InstructLab's own views do not list tunings.
    expect((await client.list({ projectId, start: '', limit: 0 })).modelJobs).toEqual([]);
  }, 300_000);

  it('runs a LoRA fine tuning in a space on {messages} and {input, output} JSONL to completed', async () => {
    await store.put(
      `spaces/${spaceId}/assets/ft/train.jsonl`,
      Buffer.from(
        jsonl([
          ...records(12),
          ...records(12).map((r) => ({
            messages: [
              { role: 'user', content: r.input },
              { role: 'assistant', content: r.output },
            ],
          })),
        ]),
      ),
    );
    const { modelJob } = await client.createTuning(
      request({
        kind: 'fine_tuning',
        projectId: '',
        spaceId,
        trainingDataReferencesJson: container('ft/train.jsonl'),
        settings: settings({ method: 'lora', numEpochs: 2, batchSize: 4, loraRank: 4, loraTargetModules: ['q_proj', 'v_proj'] }),
      }),
    );
    const id = modelJob!.id;
    expect(modelJob).toMatchObject({ kind: 'fine_tuning', spaceId, projectId: '' });
    const done = await finished(id, { spaceId });
    expect(done.failureReason).toBe('');
    expect(done.status).toBe(S.MODEL_JOB_STATUS_COMPLETED);
    expect(done.tuning!.settings).toMatchObject({ method: 'lora', loraRank: 4, loraTargetModules: ['q_proj', 'v_proj'] });
    expect(done.hyperparameters).toMatchObject({ mode: 'lora', loraRank: 4 });
    expect(done.tuning!.metrics).toHaveLength(2);
    expect(await store.exists(`trained_models/${id}/model/model.safetensors`)).toBe(true);
    const log = (await store.getBuffer(`trained_models/${id}/logs/train-attempt-1.log`)).toString();
    expect(log).toContain('"--lora-targets","q_proj,v_proj"');
    // The space's tunings are not the project's.
    await expect(tuning(id)).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
  }, 300_000);

  it('runs Llama Stack post-training on datasets: SFT with LoRA (checkpoints copied to project storage), then DPO from its checkpoint', async () => {
    const dataUrl = (rows: unknown[]) => `data:application/json;base64,${Buffer.from(JSON.stringify(rows)).toString('base64')}`;
    const dialogs = records(24).map((r) => ({
      messages: [
        { role: 'user', content: r.input },
        { role: 'assistant', content: r.output },
      ],
    }));
    const sftData = `sft-${tag}`;
    await client.createDataset({
      projectId,
      id: sftData,
      columns: { messages: 'dialog' },
      contentUrl: dataUrl(dialogs),
      metadataJson: '',
      createdBy: 'tester',
    });
    const jobUuid = `sft-job-${tag}`;
    const sft = (
      await client.createTuning(
        request({
          kind: 'post_training',
          name: '',
          jobUuid,
          datasetId: sftData,
          settings: settings({ method: 'lora', numEpochs: 2, batchSize: 4, loraRank: 4 }),
        }),
      )
    ).modelJob!;
    expect(sft).toMatchObject({ kind: 'post_training', name: jobUuid });
    // The caller's job_uuid names it (once per project).
    await expect(
      client.createTuning(request({ kind: 'post_training', jobUuid, datasetId: sftData, settings: settings({ method: 'lora' }) })),
    ).rejects.toMatchObject({ code: GrpcStatus.ALREADY_EXISTS });
    await expect(client.createTuning(request({ kind: 'post_training', jobUuid: 'other', datasetId: 'nope' }))).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: expect.stringContaining('training_config.data_config.dataset_id'),
    });
    await waitUntil(
      'sft completed',
      async () =>
        (await client.getTuning({ projectId, spaceId: '', id: jobUuid, kinds: ['post_training'] })).modelJob!.status ===
        S.MODEL_JOB_STATUS_COMPLETED,
      240_000,
      250,
    );
    const done = await tuning(sft.id);
    expect(done.tuning!.metrics).toHaveLength(2);
    for (const epoch of [1, 2])
      expect(await store.exists(projectFile(`post_training/${jobUuid}/epoch-${epoch}/model.safetensors`))).toBe(true);

    const pairs = records(16).map((r, i) => ({ prompt: r.input, chosen: r.output, rejected: records(4)[(i + 1) % 4].output }));
    const dpoData = `dpo-${tag}`;
    await client.createDataset({
      projectId,
      id: dpoData,
      columns: { prompt: 'text', chosen: 'text', rejected: 'text' },
      contentUrl: dataUrl(pairs),
      metadataJson: '',
      createdBy: 'tester',
    });
    const dpo = (
      await client.createTuning(
        request({
          kind: 'post_training',
          jobUuid: `dpo-job-${tag}`,
          datasetId: dpoData,
          startModelPrefix: projectFile(`post_training/${jobUuid}/epoch-2/`),
          settings: settings({ objective: 'dpo', dpoBeta: 0.5, numEpochs: 2, batchSize: 4 }),
        }),
      )
    ).modelJob!;
    expect(dpo.tuning).toMatchObject({
      startModelPrefix: projectFile(`post_training/${jobUuid}/epoch-2/`),
      settings: { objective: 'dpo', dpoBeta: 0.5 },
    });
    const dpoDone = await finished(dpo.id);
    expect(dpoDone.failureReason).toBe('');
    expect(dpoDone.status).toBe(S.MODEL_JOB_STATUS_COMPLETED);
    expect(dpoDone.tuning!.metrics).toHaveLength(2);
    for (const m of dpoDone.tuning!.metrics) expect(Number.isFinite(m.rewardMargin)).toBe(true);
  }, 600_000);

  it('resumes a tuning from its last checkpoint after the worker process is killed mid-run', async () => {
    await put(projectFile('resume/data.jsonl'), jsonl(records(400)));
    const { modelJob } = await client.createTuning(
      request({ trainingDataReferencesJson: container('resume/data.jsonl'), settings: settings({ numEpochs: 4, batchSize: 2 }) }),
    );
    const id = modelJob!.id;
    await waitUntil('epoch 1', async () => (await tuning(id)).checkpoints.length >= 1, 180_000, 100);
    const first = workers.shift()!;
    first.crash();
    await waitUntil('worker dead', () => first.child.exitCode !== null || first.child.signalCode !== null, 10_000);
    expect(trainerProcessesOf(id)).toEqual([]);
    const before = (await tuning(id)).checkpoints.length;
    expect(before).toBeLessThan(4);

    workers.push(await startServiceChild('training', { ...env, PLATFORM_TRAINING_WORKERS: '1' }));
    const done = await finished(id, undefined, 300_000);
    expect(done.failureReason).toBe('');
    expect(done.status).toBe(S.MODEL_JOB_STATUS_COMPLETED);
    expect(done.checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4]);
    expect(done.tuning!.metrics.map((m) => m.iteration)).toEqual([0, 1, 2, 3]);
    const attempt2 = (await store.getBuffer(`trained_models/${id}/logs/train-attempt-2.log`)).toString();
    expect(attempt2).toMatch(new RegExp(`"event":"resume","fromEpoch":${before}`));
    // The saved epochs were not trained again.
    const trainedAgain = attempt2
      .split('\n')
      .filter((l) => /"event":"checkpoint"/.test(l))
      .map((l) => Number(/"epoch":(\d+)/.exec(l)?.[1]));
    expect(trainedAgain.every((e) => e > before)).toBe(true);
    const logs = await client.getTuningLogs({ projectId, spaceId: '', id, kinds: [], maxLines: 0 });
    expect(logs.lines.some((l) => l.includes('"event":"resume"'))).toBe(true);
  }, 600_000);

  it('cancels a running tuning on DELETE and stops its trainer; hard_delete removes it and its objects', async () => {
    await put(projectFile('cancel/data.jsonl'), jsonl(records(400)));
    const { modelJob } = await client.createTuning(
      request({ trainingDataReferencesJson: container('cancel/data.jsonl'), settings: settings({ numEpochs: 30, batchSize: 2 }) }),
    );
    const id = modelJob!.id;
    await waitUntil('running', async () => (await tuning(id)).state === 'running' && trainerProcessesOf(id).length === 1, 120_000, 100);
    await client.deleteTuning({ projectId, spaceId: '', id, kinds: ['prompt_tuning'], hardDelete: false });
    const canceled = await tuning(id);
    expect(canceled).toMatchObject({ status: S.MODEL_JOB_STATUS_CANCELED, state: 'canceled' });
    await waitUntil('trainer stopped', () => trainerProcessesOf(id).length === 0, 15_000);
    expect((await tuning(id)).status).toBe(S.MODEL_JOB_STATUS_CANCELED);

    await waitUntil('logs kept', async () => (await keys(`trained_models/${id}/logs/`)).length > 0, 15_000);
    await client.deleteTuning({ projectId, spaceId: '', id, kinds: ['prompt_tuning'], hardDelete: true });
    await expect(tuning(id)).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await keys(`trained_models/${id}/`)).toEqual([]);
  }, 300_000);
  it('hard delete during a run stops the trainer and leaves no row and no objects', async () => {
    await put(projectFile('delete/data.jsonl'), jsonl(records(400)));
    const { modelJob } = await client.createTuning(
      request({ trainingDataReferencesJson: container('delete/data.jsonl'), settings: settings({ numEpochs: 30, batchSize: 2 }) }),
    );
    const id = modelJob!.id;
    await waitUntil('first checkpoint', async () => (await tuning(id)).checkpoints.length >= 1, 120_000, 100);
    await client.deleteTuning({ projectId, spaceId: '', id, kinds: ['prompt_tuning'], hardDelete: true });
    await expect(tuning(id)).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    await waitUntil('trainer stopped', () => trainerProcessesOf(id).length === 0, 15_000);
    // The worker removes what it uploaded while the delete happened.
    await waitUntil('objects removed', async () => (await keys(`trained_models/${id}/`)).length === 0, 30_000);
  }, 300_000);
});
