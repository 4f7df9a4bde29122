import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, type GrpcServiceClient, type RunningGrpcService } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { deploymentV1 } from '@platform/contracts';
import { readSafetensors } from '@platform/engine';
import { writeTinyModel } from '@platform/engine/internals';
import { freePort } from '@platform/infra';
import { S3ObjectStore, type ObjectStore } from '@platform/object-store';
import { createTestDatabase, waitFor } from '@platform/test-fixtures';
import { Client } from 'pg';
import { firstValueFrom, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DataSource } from 'typeorm';
import { DeploymentEntity } from '../deployments/deployment.entity';
import { startDeploymentService } from '../main';
import { ReplicaEntity } from '../replicas/replica.entity';
import { findAsset } from './find-asset';
import { ModelAssetEntity } from './model-asset.entity';
import { ModelStore } from './model-store';
import { seedModelJob, seedTuning, startTrainingService, type TrainingServiceChild } from './testing/training-service';

const tag = randomBytes(4).toString('hex');
const STORE = `t${tag}/custom_models/`;
const UPLOADS = `t${tag}/uploads/`;
const projectId = randomUUID();
const otherProject = randomUUID();
const spaceId = randomUUID();
const root = mkdtempSync(join(tmpdir(), 'model-assets-'));

let databaseUrl: string;
let store: ObjectStore;
let training: TrainingServiceChild;
let service: RunningGrpcService;
let client: GrpcServiceClient<deploymentV1.ModelAssetServiceClient>;
let bucket: string;
/** Parameter counts of the tiny models, summed by the engine's own safetensors reader. */
const expectedCount: Record<string, number> = {};

const call = <T>(o: Observable<T>) => firstValueFrom(o);
const api = {
  create: (r: Partial<deploymentV1.CreateModelAssetRequest>) =>
    call(
      client.service.createModelAsset(
        {
          projectId,
          spaceId: '',
          name: 'asset',
          description: '',
          tags: [],
          type: 'custom_foundation_model_1.0',
          softwareSpecName: '',
          foundationModelId: '',
          trainingId: '',
          contentLocationJson: '',
          customJson: '',
          createdBy: 'tester',
          oncePerTraining: false,
          ...r,
        },
        new Metadata(),
      ),
    ).then((res) => res.model as deploymentV1.ModelAsset),
  get: (id: string, container: { projectId?: string; spaceId?: string } = { projectId }) =>
    call(client.service.getModelAsset({ projectId: '', spaceId: '', ...container, id }, new Metadata())).then((r) => r.model),
  list: (r: Partial<deploymentV1.ListModelAssetsRequest>) =>
    call(client.service.listModelAssets({ projectId, spaceId: '', tagValue: '', search: '', start: '', limit: 0, ...r }, new Metadata())),
  delete: (id: string) => call(client.service.deleteModelAsset({ projectId, spaceId: '', id }, new Metadata())),
  models: (start = '', limit = 0) => call(client.service.listCustomFoundationModels({ start, limit }, new Metadata())),
};

/** Uploads a local directory's files under `prefix`. */
async function upload(dir: string, prefix: string, skip: (name: string) => boolean = () => false): Promise<void> {
  for (const name of readdirSync(dir)) if (!skip(name)) await store.put(`${prefix}${name}`, readFileSync(join(dir, name)));
}

function tinyModel(name: string, o: Parameters<typeof writeTinyModel>[1] = {}): string {
  const dir = join(root, name);
  writeTinyModel(dir, o);
  expectedCount[name] = [...readSafetensors(join(dir, 'model.safetensors')).values()].reduce(
    (sum, t) => sum + t.shape.reduce((a, b) => a * b, 1),
    0,
  );
  return dir;
}

async function sql(text: string, params: unknown[] = []): Promise<void> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(text, params);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const s3 = inject('s3');
  bucket = s3.bucket;
  databaseUrl = await createTestDatabase('deployment_assets');
  store = new S3ObjectStore({ ...s3, bucket, region: 'us-east-1' });
  const env = {
    DATABASE_URL: databaseUrl,
    NATS_URL: inject('natsUrl'),
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
  };
  const [trainingChild] = await Promise.all([
    startTrainingService({
      ...env,
      PLATFORM_EVENTS_PREFIX: `a${tag}.events`,
      PLATFORM_EVENTS_STREAM: `ASSETS_EVENTS_${tag.toUpperCase()}`,
      PLATFORM_TRAINING_JOBS_PREFIX: `a${tag}.jobs`,
      PLATFORM_TRAINING_JOBS_STREAM: `ASSETS_TRAINING_JOBS_${tag.toUpperCase()}`,
      PLATFORM_TRAINING_DURABLE_PREFIX: `assets_${tag}`,
      PLATFORM_LOG_LEVEL: 'warn',
    }),
    (async () => {
      // The model store: two tiny models (one under an organisation, as Hugging Face ids go), a directory with
      // weights but no config (not a model), one with a config but no weights, one whose config is not JSON.
      await upload(tinyModel('a'), `${STORE}ibm-granite/tiny-a/`);
      await upload(tinyModel('b', { hiddenSize: 64, layers: 3, maxPositionEmbeddings: 512 }), `${STORE}tiny-b/`);
      await upload(join(root, 'a'), `${STORE}weights-only/`, (n) => n === 'config.json');
      await upload(join(root, 'a'), `${STORE}no-weights/`, (n) => n.endsWith('.safetensors'));
      await store.put(`${STORE}broken/config.json`, Buffer.from('{ not json'));
      await store.put(`${STORE}broken/model.safetensors`, readFileSync(join(root, 'a', 'model.safetensors')));
      // Directories outside the store that a content_location names.
      await upload(join(root, 'b'), `${UPLOADS}m1/`);
      writeFileSync(join(root, 'readme.txt'), 'no model here');
      await store.put(`${UPLOADS}empty/readme.txt`, readFileSync(join(root, 'readme.txt')));
      await upload(join(root, 'a'), `${UPLOADS}no-weights/`, (n) => n.endsWith('.safetensors'));
    })(),
  ]);
  training = trainingChild;
  // The deployment service itself, API only (no keepers): model assets need no replicas.
  Object.assign(process.env, env, {
    PLATFORM_TRAINING_GRPC_URL: training.grpcUrl,
    // No documents service listens here: an AutoAI RAG pattern asset cannot be checked (the real look-up is
    // rag-pattern-assets.int.spec's).
    PLATFORM_DOCUMENTS_GRPC_URL: `127.0.0.1:${await freePort()}`,
    PLATFORM_MODEL_STORE_PREFIX: STORE,
    PLATFORM_DEPLOYMENT_KEEPERS: '0',
    PLATFORM_EVENTS_PREFIX: `d${tag}.events`,
    PLATFORM_EVENTS_STREAM: `ASSETS_DEP_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_DEPLOYMENT_JOBS_STREAM: `ASSETS_DEP_JOBS_${tag.toUpperCase()}`,
    PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX: `d${tag}.jobs`,
    PLATFORM_DEPLOYMENT_JOBS_DURABLE: `assets_${tag}`,
  });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  service = await startDeploymentService({ grpcUrl, opsPort: await freePort() });
  client = connectGrpcService('deployment', deploymentV1.MODEL_ASSET_SERVICE_NAME, { url: grpcUrl });
}, 240_000);

afterAll(async () => {
  client?.close();
  await service?.close();
  await training?.stop();
  await store?.deletePrefix(`t${tag}/`).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

describe('GET /ml/v4/custom_foundation_models (ListCustomFoundationModels)', () => {
  it('lists the directories of the store holding a config.json, with specs from the config and the weights', async () => {
    const res = await api.models();
    expect(res.models.map((m) => m.modelId)).toEqual(['broken', 'ibm-granite/tiny-a', 'no-weights', 'tiny-b']);
    expect(res.totalCount).toBe(4);
    expect(res.nextStart).toBe('');
    const [broken, a, noWeights, b] = res.models;
    expect(a).toMatchObject({
      architecture: 'LlamaForCausalLM',
      modelType: 'llama',
      maxSequenceLength: 256,
      parameterCount: expectedCount.a,
      tags: ['llama'],
    });
    expect(b).toMatchObject({ maxSequenceLength: 512, parameterCount: expectedCount.b });
    expect(expectedCount.b).toBeGreaterThan(expectedCount.a);
    expect(b.parameters).toEqual([
      expect.objectContaining({ name: 'max_batch_weight', default: 10000, min: 0, max: 100000, type: 'number' }),
      expect.objectContaining({ name: 'max_sequence_length', default: 512, max: 512, type: 'number' }),
    ]);
    expect(res.parameters.map((p) => p.name)).toEqual(['max_batch_weight', 'max_sequence_length']);
    expect(res.parameters[0]).toMatchObject({ default: 1000, max: 10000 });
    expect(noWeights).toMatchObject({ architecture: 'LlamaForCausalLM', parameterCount: 0 });
    expect(noWeights.description).toContain('no .safetensors weights');
    expect(broken).toMatchObject({ architecture: '', parameterCount: 0 });
    expect(broken.description).toContain('config.json is not JSON');
  });

  it('pages by model id with the platform page tokens', async () => {
    const first = await api.models('', 3);
    expect(first.models.map((m) => m.modelId)).toEqual(['broken', 'ibm-granite/tiny-a', 'no-weights']);
    expect(first.totalCount).toBe(4);
    const second = await api.models(first.nextStart, 3);
    expect(second.models.map((m) => m.modelId)).toEqual(['tiny-b']);
    expect(second.nextStart).toBe('');
    expect(await grpcRefusal(api.models('', 201))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'limit' });
    expect(await grpcRefusal(api.models('not-a-token!', 2))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'start' });
  });

  it('bounds a scan by the number of models, and reads each model’s headers once across listings', async () => {
    const bounded = new ModelStore(store, STORE, {
      maxModels: 2,
      maxKeys: 1000,
      maxWeightFiles: 8,
      maxHeaderBytes: 1 << 20,
      cacheEntries: 8,
    });
    const { models, complete } = await bounded.scan();
    expect([...models.keys()]).toEqual(['broken', 'ibm-granite/tiny-a']);
    expect(complete).toBe(false);
    // The weights of a model found before the bound are all there.
    expect(models.get('ibm-granite/tiny-a')?.weightKeys).toEqual([`${STORE}ibm-granite/tiny-a/model.safetensors`]);
    const before = bounded.reads;
    const first = await bounded.describeAll(['ibm-granite/tiny-a'], models);
    const firstReads = bounded.reads - before;
    const again = await bounded.describeAll(['ibm-granite/tiny-a'], models);
    expect(again).toEqual(first);
    expect(firstReads).toBe(2); // config.json and one header
    expect(bounded.reads - before - firstReads).toBe(1); // config.json only

    const tinyHeaders = new ModelStore(store, STORE, {
      maxModels: 10,
      maxKeys: 1000,
      maxWeightFiles: 8,
      maxHeaderBytes: 64,
      cacheEntries: 8,
    });
    const [a] = await tinyHeaders.describeAll(['ibm-granite/tiny-a'], (await tinyHeaders.scan()).models);
    expect(a).toMatchObject({ parameterCount: 0, architecture: 'LlamaForCausalLM' });
    expect(a.problem).toMatch(/header length \d+ is outside 1\.\.64 bytes/);
  });
});

describe('POST /ml/v4/models (CreateModelAsset)', () => {
  it('creates a custom foundation model asset from the model store', async () => {
    const asset = await api.create({ name: 'granite', foundationModelId: 'ibm-granite/tiny-a', tags: ['t1'], customJson: '{"k":1}' });
    expect(asset).toMatchObject({
      projectId,
      spaceId: '',
      name: 'granite',
      type: 'custom_foundation_model_1.0',
      softwareSpecName: 'watsonx-cfm-caikit-1.0',
      foundationModelId: 'ibm-granite/tiny-a',
      contentPrefix: `${STORE}ibm-granite/tiny-a/`,
      baseModelId: 'ibm-granite/tiny-a',
      contentImportState: 'completed',
      customJson: '{"k":1}',
      owner: 'tester',
      tags: ['t1'],
    });
    expect(asset.createdAt).toBeInstanceOf(Date);
    expect(await api.get(asset.id)).toEqual(asset);
  });

  it('refuses model store ids that are not there, hold no weights, or are not ids', async () => {
    expect(await grpcRefusal(api.create({ foundationModelId: 'ibm-granite/missing' }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      message: expect.stringContaining(`no ${STORE}ibm-granite/missing/config.json`),
    });
    expect(await grpcRefusal(api.create({ foundationModelId: 'weights-only' }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await grpcRefusal(api.create({ foundationModelId: 'no-weights' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'foundation_model.model_id',
    });
    for (const id of ['../t', 'ibm-granite/../tiny-b', '/tiny-b', 'tiny b'])
      expect(await grpcRefusal(api.create({ foundationModelId: id }))).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: 'foundation_model.model_id',
      });
  });

  it('creates an asset from a directory of the platform bucket named by content_location', async () => {
    const contentLocationJson = JSON.stringify({ type: 'connection_asset', location: { bucket, path: `${UPLOADS}m1` }, contents: [] });
    const asset = await api.create({ name: 'uploaded', contentLocationJson });
    expect(asset).toMatchObject({ contentPrefix: `${UPLOADS}m1/`, foundationModelId: '', trainingId: '', baseModelId: '' });
  });

  it('refuses content locations without a model, without weights, or in another bucket', async () => {
    const at = (path: string, b?: string) => JSON.stringify({ type: 'connection_asset', location: { path, ...(b ? { bucket: b } : {}) } });
    expect(await grpcRefusal(api.create({ contentLocationJson: at(`${UPLOADS}empty`) }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      message: expect.stringContaining('content_location.location.path'),
    });
    expect(await grpcRefusal(api.create({ contentLocationJson: at(`${UPLOADS}nothing-here/`) }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
    expect(await grpcRefusal(api.create({ contentLocationJson: at(`${UPLOADS}no-weights`) }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'content_location.location.path',
    });
    expect(await grpcRefusal(api.create({ contentLocationJson: at(`${UPLOADS}m1`, 'someone-elses-bucket') }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'content_location.location.bucket',
    });
  });

  it('refuses a bad name, type or container naming the field', async () => {
    expect(await grpcRefusal(api.create({ name: '', foundationModelId: 'tiny-b' }))).toMatchObject({ field: 'name' });
    expect(await grpcRefusal(api.create({ type: 'do_3.0', foundationModelId: 'tiny-b' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'type',
    });
    expect(await grpcRefusal(api.create({ foundationModelId: 'tiny-b', spaceId })).then((f) => f.field)).toBe('space_id');
    expect(await grpcRefusal(api.create({ projectId: '', foundationModelId: 'tiny-b' })).then((f) => f.field)).toBe('project_id');
    expect(await grpcRefusal(api.create({ foundationModelId: 'tiny-b', trainingId: randomUUID() }))).toMatchObject({
      field: 'training_id',
    });
  });

  describe('from an InstructLab job (the training service answers GetTuning)', () => {
    let completed: string;

    beforeAll(async () => {
      completed = await seedModelJob(databaseUrl, { projectId, status: 'completed' });
      await upload(join(root, 'a'), `trained_models/${completed}/model/`);
    });

    afterAll(async () => {
      await store.deletePrefix(`trained_models/${completed}/`);
    });

    it('creates fine tuned and custom foundation model assets from a completed job', async () => {
      const tuned = await api.create({ name: 'tuned', type: 'fine_tune_1.0', trainingId: completed });
      expect(tuned).toMatchObject({
        type: 'fine_tune_1.0',
        trainingId: completed,
        contentPrefix: `trained_models/${completed}/model/`,
        baseModelId: 'granite-7b-lab',
        softwareSpecName: '',
      });
      const custom = await api.create({ name: 'custom', trainingId: completed });
      expect(custom).toMatchObject({ type: 'custom_foundation_model_1.0', contentPrefix: `trained_models/${completed}/model/` });
    });

    it('refuses a job that is not completed, one of another project, an unknown one, and one with no model', async () => {
      const running = await seedModelJob(databaseUrl, { projectId, status: 'running' });
      expect(await grpcRefusal(api.create({ type: 'fine_tune_1.0', trainingId: running }))).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: 'training_id',
        message: expect.stringContaining(`training ${running} is not completed (it is running)`),
      });
      const elsewhere = await seedModelJob(databaseUrl, { projectId: otherProject, status: 'completed' });
      for (const id of [elsewhere, randomUUID(), 'not-an-id'])
        expect(await grpcRefusal(api.create({ type: 'fine_tune_1.0', trainingId: id }))).toMatchObject({
          code: GrpcStatus.NOT_FOUND,
          message: `Training ${id} was not found in project ${projectId}.`,
        });
      expect(await grpcRefusal(api.create({ type: 'fine_tune_1.0', trainingId: completed, projectId: '', spaceId }))).toMatchObject({
        code: GrpcStatus.NOT_FOUND,
      });
      const unpublished = await seedModelJob(databaseUrl, { projectId, status: 'completed' });
      expect(await grpcRefusal(api.create({ type: 'fine_tune_1.0', trainingId: unpublished }))).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: 'training_id',
        message: expect.stringContaining('published no model'),
      });
    });

    it('takes an InstructLab job for fine-tune assets only (a prompt-tune asset needs a prompt tuning)', async () => {
      expect(await grpcRefusal(api.create({ type: 'prompt_tune_1.0', trainingId: completed }))).toMatchObject({
        code: GrpcStatus.NOT_FOUND,
        message: `Training ${completed} was not found in project ${projectId}.`,
      });
      expect(await grpcRefusal(api.create({ type: 'prompt_tune_1.0' }))).toMatchObject({ field: 'training_id' });
    });
  });

  describe('from a tuning (GetTuning with the kinds of the asset type)', () => {
    const prefixes: string[] = [];
    /** A tuning whose model is published at its result_prefix (the base model files, as a prompt tune holds them). */
    const published = async (o: Omit<Parameters<typeof seedTuning>[1], 'resultPrefix'>) => {
      const resultPrefix = `t${tag}/trained_models/${randomUUID()}/model/`;
      prefixes.push(resultPrefix);
      await upload(join(root, 'a'), resultPrefix);
      return { id: await seedTuning(databaseUrl, { ...o, resultPrefix }), resultPrefix };
    };

    it('creates a prompt-tune asset from a completed prompt tuning, its weights at result_prefix', async () => {
      const t = await published({ kind: 'prompt_tuning', projectId, status: 'completed' });
      expect(await api.create({ name: 'pt', type: 'prompt_tune_1.0', trainingId: t.id })).toMatchObject({
        type: 'prompt_tune_1.0',
        trainingId: t.id,
        contentPrefix: t.resultPrefix,
        // The training service names base models without their organisation, as for InstructLab jobs.
        baseModelId: 'starter-llama',
      });
      // A prompt tuning is no fine-tuned model, and a fine tuning no prompt tune.
      expect(await grpcRefusal(api.create({ type: 'fine_tune_1.0', trainingId: t.id }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
      const ft = await published({ kind: 'fine_tuning', projectId, status: 'completed' });
      expect(await grpcRefusal(api.create({ type: 'prompt_tune_1.0', trainingId: ft.id }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    });

    it("takes a tuning while it is storing with its model published (auto_update_model's moment), not before", async () => {
      const storing = await published({ kind: 'prompt_tuning', projectId, status: 'running', state: 'storing' });
      expect(await api.create({ type: 'prompt_tune_1.0', trainingId: storing.id })).toMatchObject({ contentPrefix: storing.resultPrefix });
      const unpublished = await seedTuning(databaseUrl, {
        kind: 'prompt_tuning',
        projectId,
        status: 'running',
        state: 'storing',
        resultPrefix: '',
      });
      expect(await grpcRefusal(api.create({ type: 'prompt_tune_1.0', trainingId: unpublished }))).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: 'training_id',
        message: expect.stringContaining('(it is storing)'),
      });
      const running = await published({ kind: 'prompt_tuning', projectId, status: 'running', state: 'running' });
      expect(await grpcRefusal(api.create({ type: 'prompt_tune_1.0', trainingId: running.id }))).toMatchObject({
        field: 'training_id',
        message: expect.stringContaining('(it is running)'),
      });
    });

    it('creates fine-tune assets from post-training and from fine tunings of a space', async () => {
      const post = await published({ kind: 'post_training', projectId, status: 'completed' });
      expect(await api.create({ type: 'fine_tune_1.0', trainingId: post.id })).toMatchObject({ contentPrefix: post.resultPrefix });
      // A space of its own: the listing specs below count the assets of `spaceId`.
      const tuningSpace = randomUUID();
      const inSpace = await published({ kind: 'fine_tuning', spaceId: tuningSpace, status: 'completed' });
      expect(await api.create({ type: 'fine_tune_1.0', trainingId: inSpace.id, projectId: '', spaceId: tuningSpace })).toMatchObject({
        spaceId: tuningSpace,
        contentPrefix: inSpace.resultPrefix,
      });
      expect(await grpcRefusal(api.create({ type: 'fine_tune_1.0', trainingId: inSpace.id }))).toMatchObject({
        code: GrpcStatus.NOT_FOUND,
      });
    });

    it('with once_per_training returns the asset of the same type and training already there, also to concurrent calls', async () => {
      const t = await published({ kind: 'fine_tuning', projectId, status: 'completed' });
      const once = { type: 'fine_tune_1.0', trainingId: t.id, oncePerTraining: true };
      const created = await Promise.all([
        api.create({ ...once, name: 'a' }),
        api.create({ ...once, name: 'b' }),
        api.create({ ...once, name: 'c' }),
      ]);
      expect(new Set(created.map((a) => a.id)).size).toBe(1);
      expect((await api.create({ ...once, name: 'again' })).id).toBe(created[0].id);
      // Without the flag, or of another type, it is a new asset.
      expect((await api.create({ ...once, oncePerTraining: false })).id).not.toBe(created[0].id);
      expect((await api.create({ ...once, type: 'custom_foundation_model_1.0' })).id).not.toBe(created[0].id);
    });

    afterAll(async () => {
      for (const p of prefixes) await store.deletePrefix(p);
    });
  });
});

describe('POST /ml/v4/models of an AutoAI RAG pattern (CreateModelAsset)', () => {
  const rag = { type: 'autoai_rag_pattern', trainingId: randomUUID(), customJson: JSON.stringify({ pattern_name: 'Pattern1' }) };

  it('refuses a source other than the experiment, or no pattern name, naming the field', async () => {
    expect(
      await grpcRefusal(api.create({ ...rag, contentLocationJson: JSON.stringify({ type: 'container', location: { path: 'm/' } }) })),
    ).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'content_location',
    });
    expect(await grpcRefusal(api.create({ ...rag, customJson: '' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'custom.pattern_name',
    });
  });

  it('answers UNAVAILABLE (documents_unavailable), not a 404, while the documents service cannot be reached, and writes nothing', async () => {
    const err = await grpcRefusal(api.create(rag));
    expect(err).toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    expect(err.message).toBe(`training_id ${rag.trainingId} could not be looked up: the documents service cannot be reached. Try again.`);
    expect((await api.list({})).models.filter((m) => m.type === 'autoai_rag_pattern')).toEqual([]);
  });
});

describe('GET /ml/v4/models (ListModelAssets, GetModelAsset)', () => {
  const listProject = randomUUID();
  const names = ['alpha 100%', 'beta_x', 'gamma', 'betaXx', 'delta'];

  beforeAll(async () => {
    for (const [i, name] of names.entries())
      await api.create({ projectId: listProject, name, foundationModelId: 'tiny-b', tags: i % 2 ? ['odd', `n${i}`] : [`n${i}`] });
    await api.create({ projectId: '', spaceId, name: 'in a space', foundationModelId: 'tiny-b' });
  });

  it('walks newest first page by page with no asset lost or repeated', async () => {
    const seen: string[] = [];
    let start = '';
    for (let pages = 0; pages < 10; pages++) {
      const res = await api.list({ projectId: listProject, limit: 2, start });
      expect(res.totalCount).toBe(5);
      seen.push(...res.models.map((m) => m.name));
      if (!res.nextStart) break;
      start = res.nextStart;
    }
    expect(seen).toEqual([...names].reverse());
    expect(await grpcRefusal(api.list({ projectId: listProject, start: 'bogus' }))).toMatchObject({ field: 'start' });
    expect(await grpcRefusal(api.list({ projectId: listProject, limit: 500 }))).toMatchObject({ field: 'limit' });
  });

  it('filters by tag (any of several) and by a name substring, taking % and _ literally', async () => {
    const names = async (r: Partial<deploymentV1.ListModelAssetsRequest>) =>
      (await api.list({ projectId: listProject, ...r })).models.map((m) => m.name).sort();
    expect(await names({ tagValue: 'odd' })).toEqual(['betaXx', 'beta_x']);
    expect(await names({ tagValue: 'n0, n4' })).toEqual(['alpha 100%', 'delta']);
    expect(await names({ search: 'BETA' })).toEqual(['betaXx', 'beta_x']);
    expect(await names({ search: 'a_x' })).toEqual(['beta_x']);
    expect(await names({ search: '0%' })).toEqual(['alpha 100%']);
    expect(await names({ search: 'nothing' })).toEqual([]);
  });

  it('keeps containers apart', async () => {
    const inSpace = await api.list({ projectId: '', spaceId });
    expect(inSpace.models.map((m) => m.name)).toEqual(['in a space']);
    const id = inSpace.models[0].id;
    expect(await api.get(id, { spaceId })).toMatchObject({ spaceId, projectId: '' });
    expect(await grpcRefusal(api.get(id, { projectId: listProject }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await grpcRefusal(api.get('not-a-uuid'))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect((await api.list({ projectId: otherProject })).models).toEqual([]);
  });
});

describe('DELETE /ml/v4/models/{id} (DeleteModelAsset)', () => {
  it('refuses while a deployment that is not deleted uses the asset, naming it, then deletes', async () => {
    const asset = await api.create({ name: 'in use', foundationModelId: 'tiny-b' });
    const deploymentId = randomUUID();
    await sql(
      `INSERT INTO deployment.deployments (id, project_id, name, asset_id, deployed_asset_type, state, model_id, created_by, status)
       VALUES ($1, $2, 'serving it', $3, 'custom_foundation_model', 'ready', $4, 'tester', 'running')`,
      [deploymentId, projectId, asset.id, `deployments/${deploymentId}`],
    );
    expect(await grpcRefusal(api.delete(asset.id))).toMatchObject({
      code: GrpcStatus.ALREADY_EXISTS,
      message: `Model asset ${asset.id} (in use) is used by deployment ${deploymentId} (serving it); delete the deployment first.`,
    });
    expect(await api.get(asset.id)).toMatchObject({ id: asset.id });

    await sql('UPDATE deployment.deployments SET deleted_at = now() WHERE id = $1', [deploymentId]);
    await api.delete(asset.id);
    expect(await grpcRefusal(api.get(asset.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await grpcRefusal(api.delete(asset.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    // The weights are the store's, not the asset's: deleting the asset leaves them.
    expect(await store.exists(`${STORE}tiny-b/config.json`)).toBe(true);
  });

  it('waits for a transaction that found the asset with findAsset(…, share) and deploys it, then refuses', async () => {
    const asset = await api.create({ name: 'racing', foundationModelId: 'tiny-b' });
    const ds = new DataSource({
      type: 'postgres',
      url: databaseUrl,
      schema: 'deployment',
      entities: [DeploymentEntity, ReplicaEntity, ModelAssetEntity],
      extra: { max: 2 },
    });
    await ds.initialize();
    let release = () => {};
    try {
      const held = new Promise<void>((r) => (release = r));
      let deployed = () => {};
      const inserted = new Promise<void>((r) => (deployed = r));
      const deploymentId = randomUUID();
      // What a deployment create does: the asset found under a share lock, the row written, the commit later.
      const creating = ds.transaction(async (m) => {
        expect(await findAsset(m, { projectId, spaceId: null }, asset.id, 'share')).toMatchObject({ id: asset.id });
        await m.query(
          `INSERT INTO deployment.deployments (id, project_id, name, asset_id, deployed_asset_type, state, model_id, created_by, status)
           VALUES ($1, $2, 'racer', $3, 'custom_foundation_model', 'initializing', $4, 'tester', 'queued')`,
          [deploymentId, projectId, asset.id, `deployments/${deploymentId}`],
        );
        deployed();
        await held;
      });
      await inserted;
      const deleting = grpcRefusal(api.delete(asset.id));
      // The delete is blocked on the asset row until the create commits (it would not see the uncommitted row). Its
      // query text (pg_stat_activity keeps the first 1024 bytes) starts with the entity alias.
      await waitFor(async () => {
        const rows = await ds.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%"ModelAssetEntity"%' AND datname = current_database()`,
        );
        return rows.length > 0;
      }, 30_000);
      release();
      await creating;
      expect(await deleting).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS, message: expect.stringContaining(deploymentId) });
      expect(await api.get(asset.id)).toMatchObject({ id: asset.id });
    } finally {
      release();
      await ds.destroy();
    }
  });
});
