import { randomBytes, randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { connectGrpcService, unary, type GrpcServiceClient } from '@platform/common';
import { deploymentV1, promptsV1 } from '@platform/contracts';
import { OutboxRelay, type EventEnvelope } from '@platform/events';
import { freePort } from '@platform/infra';
import { createTestDatabase, startServiceProcess, waitFor, type ServiceProcess } from '@platform/test-fixtures';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ModelAssetEntity } from '../assets/model-asset.entity';
import { DeploymentConfig } from '../deployment.config';
import { startDeploymentService } from '../main';
import { ReplicaEntity } from '../replicas/replica.entity';
import { DeploymentChangesService } from './deployment-changes.service';
import { DeploymentEntity } from './deployment.entity';
import { DeploymentStore } from './deployment-store';
import { DeploymentsService } from './deployments.service';
import type { PromptTemplates } from './prompt-templates';
import { createRequest, failure, insertAsset, insertRagPatternAsset } from './testing/deployment-fixture';

const tag = randomBytes(4).toString('hex');
const eventsPrefix = `test.dep${tag}.events`;
const jobsPrefix = `test.dep${tag}.jobs`;
let service: Awaited<ReturnType<typeof startDeploymentService>>;
let client: GrpcServiceClient<deploymentV1.DeploymentServiceClient>;
let api: deploymentV1.DeploymentServiceClient;
let ds: DataSource;
let opsPort: number;
let nc: NatsConnection;
/** The real prompts service, where template deployments look their templates up. */
let promptsProcess: ServiceProcess | undefined;
let prompts: GrpcServiceClient<promptsV1.PromptServiceClient>;
const seen: EventEnvelope[] = [];
const subs: Subscription[] = [];

async function collect(subject: string) {
  const sub = nc.subscribe(subject);
  subs.push(sub);
  void (async () => {
    for await (const m of sub) seen.push(m.json<EventEnvelope>());
  })();
}

beforeAll(async () => {
  const url = await createTestDatabase('deployment_api');
  const s3 = inject('s3');
  const grpcPort = await freePort();
  Object.assign(process.env, {
    LOG_LEVEL: 'error',
    DATABASE_URL: url,
    NATS_URL: inject('natsUrl'),
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_EVENTS_STREAM: `TEST_DEP_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_EVENTS_PREFIX: eventsPrefix,
    PLATFORM_DEPLOYMENT_JOBS_STREAM: `TEST_DEP_JOBS_${tag.toUpperCase()}`,
    PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX: jobsPrefix,
    // An API-only instance: the keepers have their own specs; here deployments stay as the API left them.
    PLATFORM_DEPLOYMENT_KEEPERS: '0',
    PLATFORM_INFERENCE_GRPC_URL: `127.0.0.1:${await freePort()}`,
    PLATFORM_TRAINING_GRPC_URL: `127.0.0.1:${await freePort()}`,
    PLATFORM_PROMPTS_GRPC_URL: `127.0.0.1:${await freePort()}`,
  });
  const promptsOps = await freePort();
  promptsProcess = await startServiceProcess('prompts', { PLATFORM_PROMPTS_OPS_PORT: String(promptsOps) }, promptsOps);
  prompts = connectGrpcService('prompts', promptsV1.PROMPT_SERVICE_NAME, { url: process.env.PLATFORM_PROMPTS_GRPC_URL });
  nc = await connect({ servers: inject('natsUrl') });
  await collect(`${eventsPrefix}.deployment.>`);
  await collect(`${jobsPrefix}.deployment.>`);
  opsPort = await freePort();
  service = await startDeploymentService({ grpcUrl: `127.0.0.1:${grpcPort}`, opsPort });
  client = connectGrpcService('deployment', deploymentV1.DEPLOYMENT_SERVICE_NAME, { url: `127.0.0.1:${grpcPort}` });
  api = client.service;
  ds = new DataSource({
    type: 'postgres',
    url,
    schema: 'deployment',
    entities: [DeploymentEntity, ReplicaEntity, ModelAssetEntity],
    extra: { max: 2 },
  });
  await ds.initialize();
});

afterAll(async () => {
  client?.close();
  prompts?.close();
  await promptsProcess?.stop();
  await service?.close();
  for (const s of subs) s.unsubscribe();
  await nc?.close();
  await ds?.destroy();
});

const row = (id: string) => ds.getRepository(DeploymentEntity).findOneBy({ id });
const eventsOf = (id: string, type: string) =>
  seen.filter((e) => e.type === type && (e.data as { deploymentId: string }).deploymentId === id);

describe('the deployment service process', () => {
  it('reports healthy (database, NATS, object store)', async () => {
    expect((await fetch(`http://127.0.0.1:${opsPort}/health`)).status).toBe(200);
  });
});

describe('CreateDeployment', () => {
  const projectId = randomUUID();

  it('deploys a custom foundation model asset: replicas from num_nodes, its own pool, the row, its event and a keeper message', async () => {
    const asset = await insertAsset(ds, { projectId });
    const { deployment } = await unary(
      api.createDeployment(
        createRequest({
          projectId,
          name: 'my_tuned_flan',
          tags: ['a', 'b'],
          assetId: asset.id,
          onlineParametersJson: JSON.stringify({ serving_name: `myflan_${tag}`, foundation_model: { max_sequence_length: 256 } }),
          hardwareSpec: { id: 'WX-S', name: '', numNodes: 2 },
        }),
      ),
    );
    const d = deployment as deploymentV1.Deployment;
    expect(d).toMatchObject({
      projectId,
      name: 'my_tuned_flan',
      tags: ['a', 'b'],
      assetId: asset.id,
      deployedAssetType: 'custom_foundation_model',
      baseModelId: 'ibm/granite-test',
      servingName: `myflan_${tag}`,
      hardwareSpec: { id: 'WX-S', name: '', numNodes: 2 },
      modelId: `deployments/${d.id}`,
      replicas: 2,
      readyReplicas: 0,
      rev: 1,
      owner: 'tester',
      status: { state: 'initializing', messageLevel: 'info' },
    });
    expect(await row(d.id)).toMatchObject({ modelPrefix: asset.contentPrefix, hardwareProfile: 'WX-S', status: 'queued' });
    await waitFor(() => eventsOf(d.id, 'deployment.created').length === 1 && eventsOf(d.id, 'deployment.keep').length === 1, 10_000);
  });

  it('counts ready replicas of the current rev only', async () => {
    const asset = await insertAsset(ds, { projectId });
    const { deployment } = await unary(
      api.createDeployment(createRequest({ projectId, assetId: asset.id, hardwareSpec: { id: 'PLATFORM-CPU', name: '', numNodes: 0 } })),
    );
    const id = deployment?.id ?? '';
    const replicas = ds.getRepository(ReplicaEntity);
    await replicas.save([
      replicas.create({ deploymentId: id, rev: 1, manager: 'process', state: 'ready' }),
      replicas.create({ deploymentId: id, rev: 1, manager: 'process', state: 'starting' }),
      replicas.create({ deploymentId: id, rev: 0, manager: 'process', state: 'ready' }),
    ]);
    const got = await unary(api.getDeployment({ projectId, spaceId: '', id }));
    expect(got.deployment).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it.each([
    ['online missing', { online: false }, 'online'],
    ['hardware_spec missing for a custom foundation model', { hardwareSpec: undefined }, 'hardware_spec'],
    ['hardware_request', { hardwareRequest: { size: 'gpu_s', numNodes: 1 } }, 'hardware_request'],
    ['base_model_id with an asset', { baseModelId: 'google/flan-ul2' }, 'base_model_id'],
    ['base_deployment_id with an asset', { baseDeploymentId: randomUUID() }, 'base_deployment_id'],
    ['a serving name with capitals', { onlineParametersJson: '{"serving_name":"MyFlan"}' }, 'online.parameters.serving_name'],
    [
      'a serving name of 37 characters',
      { onlineParametersJson: JSON.stringify({ serving_name: 'a'.repeat(37) }) },
      'online.parameters.serving_name',
    ],
    ['online.parameters that is no object', { onlineParametersJson: '[1]' }, 'online.parameters'],
    ['a name of 251 characters', { name: 'n'.repeat(251) }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a description of 1001 characters', { description: 'd'.repeat(1001) }, 'description'],
    ['65 tags', { tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, 'tags'],
    ['custom that is no object', { customJson: '"x"' }, 'custom'],
    ['an unknown hardware spec', { hardwareSpec: { id: 'WX-XXL', name: '', numNodes: 1 } }, 'hardware_spec'],
    ['9 replicas', { hardwareSpec: { id: 'WX-S', name: '', numNodes: 9 } }, 'hardware_spec.num_nodes'],
    ['both containers', { spaceId: randomUUID() }, 'space_id'],
    ['no container', { projectId: '' }, 'project_id'],
  ] as const)('refuses %s with 400 naming %s', async (_what, over, field) => {
    const asset = await insertAsset(ds, { projectId });
    const req = createRequest({ projectId, assetId: asset.id, hardwareSpec: { id: 'WX-S', name: '', numNodes: 1 }, ...over });
    const err = await failure(api.createDeployment(req));
    expect(err).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
  });

  it.each([
    ['no reference at all', {}, 'asset.id'],
    ['a prompt template without base_model_id', { promptTemplateId: 'pt1' }, 'base_model_id'],
    ['a base deployment without a prompt template', { baseDeploymentId: randomUUID() }, 'prompt_template.id'],
    [
      'hardware_spec on a prompt template',
      { promptTemplateId: 'pt1', baseModelId: 'm', hardwareSpec: { id: 'WX-S', name: '', numNodes: 1 } },
      'hardware_spec',
    ],
    [
      'foundation_model parameters on a base deployment',
      { promptTemplateId: 'pt1', baseDeploymentId: randomUUID(), onlineParametersJson: '{"foundation_model":{}}' },
      'online.parameters.foundation_model',
    ],
    [
      'hardware_spec on a base deployment',
      { promptTemplateId: 'pt1', baseDeploymentId: randomUUID(), hardwareSpec: { id: 'WX-S', name: '', numNodes: 1 } },
      'hardware_spec',
    ],
    ['a malformed base_deployment_id', { promptTemplateId: 'pt1', baseDeploymentId: 'Not An Id' }, 'base_deployment_id'],
  ] as const)('refuses %s with 400 naming %s', async (_what, over, field) => {
    const err = await failure(api.createDeployment(createRequest({ projectId, ...over })));
    expect(err).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
  });

  it('takes no hardware_spec for a prompt tune and requires one for a fine tuned model', async () => {
    const tune = await insertAsset(ds, { projectId }, 'prompt_tune_1.0');
    const spec = { id: 'WX-S', name: '', numNodes: 1 };
    expect(await failure(api.createDeployment(createRequest({ projectId, assetId: tune.id, hardwareSpec: spec })))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'hardware_spec',
    });
    const { deployment: pt } = await unary(api.createDeployment(createRequest({ projectId, assetId: tune.id })));
    expect(pt).toMatchObject({ deployedAssetType: 'prompt_tune', replicas: 1 });
    expect(pt?.hardwareSpec ?? undefined).toBeUndefined();
    const ft = await insertAsset(ds, { projectId }, 'fine_tune_1.0');
    expect(await failure(api.createDeployment(createRequest({ projectId, assetId: ft.id })))).toMatchObject({ field: 'hardware_spec' });
    const { deployment } = await unary(
      api.createDeployment(createRequest({ projectId, assetId: ft.id, hardwareSpec: { id: '', name: 'WX-M', numNodes: 0 } })),
    );
    expect(deployment).toMatchObject({ deployedAssetType: 'fine_tune', hardwareSpec: { name: 'WX-M', numNodes: 1 } });
  });

  it('answers 404 for an unknown asset, an asset of another project, an unknown template and an unknown base deployment', async () => {
    const spec = { id: 'WX-S', name: '', numNodes: 1 };
    const other = await insertAsset(ds, { projectId: randomUUID() });
    for (const assetId of [randomUUID(), other.id, 'not-a-uuid']) {
      const err = await failure(api.createDeployment(createRequest({ projectId, assetId, hardwareSpec: spec })));
      expect(err, assetId).toMatchObject({ code: GrpcStatus.NOT_FOUND });
      expect(err.message).toContain('asset.id');
    }
    const template = await failure(
      api.createDeployment(createRequest({ projectId, promptTemplateId: randomUUID(), baseModelId: 'ibm/granite' })),
    );
    expect(template.code).toBe(GrpcStatus.NOT_FOUND);
    expect(template.message).toContain('prompt_template.id');
    const base = await failure(api.createDeployment(createRequest({ projectId, promptTemplateId: 'pt', baseDeploymentId: randomUUID() })));
    expect(base.code).toBe(GrpcStatus.NOT_FOUND);
    expect(base.message).toContain('base_deployment_id');
    expect(await ds.getRepository(DeploymentEntity).countBy({ name: 'dep', projectId, deployedAssetType: 'foundation_model' })).toBe(0);
  });

  it('answers 409 for a serving name in use, also when two creates race for it', async () => {
    const name = `race_${tag}`;
    const asset = await insertAsset(ds, { projectId });
    const req = createRequest({
      projectId,
      assetId: asset.id,
      hardwareSpec: { id: 'WX-S', name: '', numNodes: 1 },
      onlineParametersJson: JSON.stringify({ serving_name: name }),
    });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => unary(api.createDeployment(req))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect((r.reason as { code: number }).code).toBe(GrpcStatus.ALREADY_EXISTS);
    // Serving names are global: another project cannot take it either.
    const elsewhere = randomUUID();
    const otherAsset = await insertAsset(ds, { projectId: elsewhere });
    expect(await failure(api.createDeployment({ ...req, projectId: elsewhere, assetId: otherAsset.id }))).toMatchObject({
      code: GrpcStatus.ALREADY_EXISTS,
    });
    expect(await failure(api.createDeployment(req))).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS, field: 'serving_name' });
    expect((await unary(api.checkServingName({ servingName: name }))).available).toBe(false);
    expect((await unary(api.checkServingName({ servingName: `free_${tag}` }))).available).toBe(true);
    expect(await failure(api.checkServingName({ servingName: 'Bad-Name' }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'serving_name',
    });
  });
});

async function deployAsset(projectId: string, over: Partial<deploymentV1.CreateDeploymentRequest> = {}): Promise<deploymentV1.Deployment> {
  const asset = await insertAsset(ds, { projectId });
  const req = createRequest({ projectId, assetId: asset.id, hardwareSpec: { id: 'WX-S', name: '', numNodes: 1 }, ...over });
  return (await unary(api.createDeployment(req))).deployment as deploymentV1.Deployment;
}

const patch = (projectId: string, id: string, ops: unknown) =>
  api.updateDeployment({ projectId, spaceId: '', id, patchJson: JSON.stringify(ops) });

describe('UpdateDeployment', () => {
  const projectId = randomUUID();

  it('patches name, description, tags and custom without a new rev, and publishes deployment.updated', async () => {
    const d = await deployAsset(projectId, { tags: ['x'] });
    const { deployment } = await unary(
      patch(projectId, d.id, [
        { op: 'replace', path: '/name', value: 'renamed' },
        { op: 'add', path: '/description', value: 'about it' },
        { op: 'add', path: '/tags/-', value: 'y' },
        { op: 'add', path: '/custom', value: { a: 1 } },
        { op: 'replace', path: '/custom/a', value: 2 },
      ]),
    );
    expect(deployment).toMatchObject({ name: 'renamed', description: 'about it', tags: ['x', 'y'], customJson: '{"a":2}', rev: 1 });
    expect((deployment?.modifiedAt as Date).getTime()).toBeGreaterThan((d.modifiedAt as Date).getTime());
    await waitFor(() => eventsOf(d.id, 'deployment.updated').length === 1, 10_000);
    const removed = await unary(
      patch(projectId, d.id, [
        { op: 'remove', path: '/tags/0' },
        { op: 'remove', path: '/custom' },
      ]),
    );
    expect(removed.deployment).toMatchObject({ tags: ['y'], customJson: '' });
  });

  it('changes the serving name under the uniqueness rule, and frees the old one', async () => {
    const taken = await deployAsset(projectId, { onlineParametersJson: JSON.stringify({ serving_name: `taken_${tag}` }) });
    const d = await deployAsset(projectId, { onlineParametersJson: JSON.stringify({ serving_name: `mine_${tag}` }) });
    const conflict = await failure(
      patch(projectId, d.id, [{ op: 'replace', path: '/online/parameters/serving_name', value: taken.servingName }]),
    );
    expect(conflict).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS, field: 'serving_name' });
    const bad = await failure(patch(projectId, d.id, [{ op: 'replace', path: '/online/parameters', value: { serving_name: 'No-Good' } }]));
    expect(bad).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'online.parameters.serving_name' });
    const { deployment } = await unary(
      patch(projectId, d.id, [{ op: 'replace', path: '/online/parameters/serving_name', value: `new_${tag}` }]),
    );
    expect(deployment).toMatchObject({ servingName: `new_${tag}`, rev: 1 });
    expect((await unary(api.checkServingName({ servingName: `mine_${tag}` }))).available).toBe(true);
  });

  it('swaps the asset as a new rev (state updating, new weights, the new base model) and re-queues a keeper that had stopped', async () => {
    const d = await deployAsset(projectId);
    // The create's own keep must have arrived before counting: under load it can land after the count, and the wait
    // below would then see two new keeps where it expects one.
    await waitFor(() => eventsOf(d.id, 'deployment.keep').length === 1, 30_000);
    await ds.getRepository(DeploymentEntity).update({ id: d.id }, { state: 'ready', status: 'completed', attempts: 3 });
    const next = await insertAsset(ds, { projectId }, 'fine_tune_1.0');
    const keepsBefore = eventsOf(d.id, 'deployment.keep').length;
    const { deployment } = await unary(patch(projectId, d.id, [{ op: 'replace', path: '/asset', value: { id: next.id } }]));
    expect(deployment).toMatchObject({ assetId: next.id, rev: 2, deployedAssetType: 'fine_tune', status: { state: 'updating' } });
    expect(await row(d.id)).toMatchObject({ modelPrefix: next.contentPrefix, status: 'queued', attempts: 0 });
    await waitFor(() => eventsOf(d.id, 'deployment.keep').length === keepsBefore + 1, 30_000);
    const tune = await insertAsset(ds, { projectId }, 'prompt_tune_1.0');
    expect(await failure(patch(projectId, d.id, [{ op: 'replace', path: '/asset/id', value: tune.id }]))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'asset.id',
    });
    expect(await failure(patch(projectId, d.id, [{ op: 'replace', path: '/asset/id', value: randomUUID() }]))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
  });

  it('scales through hardware_spec.num_nodes as a new rev; the same spec again changes nothing', async () => {
    const d = await deployAsset(projectId);
    const scaled = await unary(patch(projectId, d.id, [{ op: 'replace', path: '/hardware_spec/num_nodes', value: 3 }]));
    expect(scaled.deployment).toMatchObject({ replicas: 3, rev: 2, hardwareSpec: { id: 'WX-S', numNodes: 3 } });
    const same = await unary(patch(projectId, d.id, [{ op: 'replace', path: '/hardware_spec', value: { id: 'WX-S', num_nodes: 3 } }]));
    expect(same.deployment).toMatchObject({ replicas: 3, rev: 2 });
    const profile = await unary(patch(projectId, d.id, [{ op: 'replace', path: '/hardware_spec/id', value: 'WX-M' }]));
    expect(profile.deployment).toMatchObject({ rev: 3 });
    expect(await row(d.id)).toMatchObject({ hardwareProfile: 'WX-M' });
    const request = await unary(patch(projectId, d.id, [{ op: 'add', path: '/hardware_request', value: { size: 'gpu_m', num_nodes: 2 } }]));
    expect(request.deployment).toMatchObject({ replicas: 2, rev: 4, hardwareRequest: { size: 'gpu_m', numNodes: 2 } });
  });

  it.each([
    ['a path outside the seed', [{ op: 'replace', path: '/status', value: {} }], '/status'],
    ['deployed_asset_type', [{ op: 'replace', path: '/deployed_asset_type', value: 'x' }], '/deployed_asset_type'],
    ['online itself', [{ op: 'replace', path: '/online', value: {} }], '/online'],
    ['an add of /asset (replace only)', [{ op: 'add', path: '/asset', value: { id: randomUUID() } }], '/asset'],
    ['base_model_id of an asset deployment', [{ op: 'replace', path: '/base_model_id', value: 'x' }], '/base_model_id'],
    ['prompt_template of a deployment without one', [{ op: 'replace', path: '/prompt_template', value: { id: 'x' } }], '/prompt_template'],
    ['a move', [{ op: 'move', from: '/name', path: '/description' }], 'op'],
    ['the removal of name', [{ op: 'remove', path: '/name' }], 'name'],
    ['the removal of hardware_spec', [{ op: 'remove', path: '/hardware_spec' }], 'hardware_spec'],
    ['a removal of what is not there', [{ op: 'remove', path: '/custom/nope' }], '/custom/nope'],
    ['an unknown hardware spec', [{ op: 'replace', path: '/hardware_spec/id', value: 'WX-ZZ' }], 'hardware_spec'],
    ['11 replicas', [{ op: 'replace', path: '/hardware_spec/num_nodes', value: 11 }], 'hardware_spec.num_nodes'],
    ['a patch that is no array', { op: 'replace', path: '/name', value: 'x' }, 'json_patch'],
  ] as const)('refuses %s with 400 naming %s, changing nothing', async (_what, ops, field) => {
    const d = await deployAsset(projectId);
    expect(await failure(patch(projectId, d.id, ops))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
    expect((await unary(api.getDeployment({ projectId, spaceId: '', id: d.id }))).deployment).toMatchObject({ name: d.name, rev: 1 });
  });

  it('answers 404 for a deployment of another project', async () => {
    const d = await deployAsset(projectId);
    expect(await failure(patch(randomUUID(), d.id, [{ op: 'replace', path: '/name', value: 'x' }]))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
  });
});

describe('DeleteDeployment', () => {
  const projectId = randomUUID();

  it('hides the deployment and frees its serving name at once; the keeper removes the row', async () => {
    const name = `gone_${tag}`;
    const d = await deployAsset(projectId, { onlineParametersJson: JSON.stringify({ serving_name: name }) });
    await unary(api.deleteDeployment({ projectId, spaceId: '', id: d.id }));
    expect(await failure(api.getDeployment({ projectId, spaceId: '', id: d.id }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await failure(api.resolveDeployment({ idOrName: name }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await failure(api.deleteDeployment({ projectId, spaceId: '', id: d.id }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect((await row(d.id))?.deletedAt).toBeInstanceOf(Date);
    expect((await unary(api.checkServingName({ servingName: name }))).available).toBe(true);
    const again = await deployAsset(projectId, { onlineParametersJson: JSON.stringify({ serving_name: name }) });
    expect(again.servingName).toBe(name);
    expect((await unary(api.listDeployments({ ...listAll(projectId) }))).deployments.map((x) => x.id)).not.toContain(d.id);
  });

  it('hands a deployment whose keeper had failed back to a keeper, which removes its replicas', async () => {
    const d = await deployAsset(projectId);
    await waitFor(() => eventsOf(d.id, 'deployment.keep').length === 1, 30_000);
    await ds.getRepository(DeploymentEntity).update({ id: d.id }, { state: 'failed', status: 'failed' });
    const keepsBefore = eventsOf(d.id, 'deployment.keep').length;
    await unary(api.deleteDeployment({ projectId, spaceId: '', id: d.id }));
    expect(await row(d.id)).toMatchObject({ status: 'queued' });
    await waitFor(() => eventsOf(d.id, 'deployment.keep').length === keepsBefore + 1, 30_000);
  });
});

function listAll(projectId: string): deploymentV1.ListDeploymentsRequest {
  return {
    projectId,
    spaceId: '',
    servingName: '',
    tagValue: '',
    assetId: '',
    promptTemplateId: '',
    name: '',
    type: '',
    state: '',
    start: '',
    limit: 0,
  };
}

describe('ListDeployments and ResolveDeployment', () => {
  const projectId = randomUUID();
  const made: deploymentV1.Deployment[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++)
      made.push(
        await deployAsset(projectId, {
          name: `d${i}`,
          tags: i % 2 ? ['odd'] : ['even'],
          ...(i === 0 ? { onlineParametersJson: JSON.stringify({ serving_name: `list_${tag}` }) } : {}),
        }),
      );
    await ds.getRepository(DeploymentEntity).update({ id: made[1].id }, { state: 'ready' });
  });

  it('walks every deployment newest first with no repeat, and counts them', async () => {
    const ids: string[] = [];
    let start = '';
    for (let pages = 0; pages < 5; pages++) {
      const page = await unary(api.listDeployments({ ...listAll(projectId), limit: 2, start }));
      expect(page.totalCount).toBe(5);
      ids.push(...page.deployments.map((d) => d.id));
      if (!page.nextStart) break;
      start = page.nextStart;
    }
    expect(ids).toEqual(made.map((d) => d.id).reverse());
  });

  it('filters by serving name, tag, asset, name, type and state', async () => {
    const ids = async (over: Partial<deploymentV1.ListDeploymentsRequest>) =>
      (await unary(api.listDeployments({ ...listAll(projectId), ...over }))).deployments.map((d) => d.id).sort();
    expect(await ids({ servingName: `list_${tag}` })).toEqual([made[0].id]);
    expect(await ids({ tagValue: 'odd' })).toEqual([made[1].id, made[3].id].sort());
    expect(await ids({ assetId: made[2].assetId })).toEqual([made[2].id]);
    expect(await ids({ assetId: 'not-a-uuid' })).toEqual([]);
    expect(await ids({ name: 'd4' })).toEqual([made[4].id]);
    expect(await ids({ type: 'custom_foundation_model' })).toHaveLength(5);
    expect(await ids({ type: 'custom_foundation_model and prompt_template' })).toEqual([]);
    expect(await ids({ type: 'prompt_template' })).toEqual([]);
    expect(await ids({ type: 'fine_tune' })).toEqual([]);
    expect(await ids({ state: 'ready' })).toEqual([made[1].id]);
    expect(await failure(api.listDeployments({ ...listAll(projectId), type: 'everything' }))).toMatchObject({ field: 'type' });
    expect(await failure(api.listDeployments({ ...listAll(projectId), state: 'sleeping' }))).toMatchObject({ field: 'state' });
    expect(await failure(api.listDeployments({ ...listAll(projectId), limit: 201 }))).toMatchObject({ field: 'limit' });
    expect(await failure(api.listDeployments({ ...listAll(projectId), start: 'bm9wZQ' }))).toMatchObject({ field: 'start' });
  });

  it('resolves by id or serving name whatever the container, and 404 for what names nothing', async () => {
    expect((await unary(api.resolveDeployment({ idOrName: made[0].id }))).deployment?.id).toBe(made[0].id);
    expect((await unary(api.resolveDeployment({ idOrName: `list_${tag}` }))).deployment).toMatchObject({
      id: made[0].id,
      modelId: `deployments/${made[0].id}`,
    });
    for (const idOrName of [randomUUID(), 'nobody_here', 'Not A Name'])
      expect(await failure(api.resolveDeployment({ idOrName })), idOrName).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await failure(api.getDeployment({ projectId: randomUUID(), spaceId: '', id: made[0].id }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
  });
});

describe('temporary deployments', () => {
  const projectId = randomUUID();

  it('are kept like any deployment but never listed or resolved; a renewal pushes the lease', async () => {
    const { deployment } = await unary(
      api.createTemporaryDeployment({ projectId, objectPrefix: 'trained_models/x/checkpoints/p1-e1/', label: 'p1-e1', leaseMs: 60_000 }),
    );
    const d = deployment as deploymentV1.Deployment;
    expect(d).toMatchObject({ temporary: true, replicas: 1, modelId: `deployments/${d.id}`, status: { state: 'initializing' } });
    const stored = (await row(d.id)) as DeploymentEntity;
    expect(stored).toMatchObject({ modelPrefix: 'trained_models/x/checkpoints/p1-e1/', leaseMs: 60_000, status: 'queued' });
    await waitFor(() => eventsOf(d.id, 'deployment.keep').length === 1, 10_000);
    expect((await unary(api.listDeployments(listAll(projectId)))).deployments).toEqual([]);
    expect(await failure(api.resolveDeployment({ idOrName: d.id }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect((await unary(api.getDeployment({ projectId, spaceId: '', id: d.id }))).deployment?.id).toBe(d.id);
    await ds.query(`UPDATE deployment.deployments SET expires_at = now() + interval '1 second' WHERE id = $1`, [d.id]);
    await unary(api.renewTemporaryDeployment({ id: d.id }));
    expect(((await row(d.id)) as DeploymentEntity).expiresAt?.getTime()).toBeGreaterThan(Date.now() + 50_000);
    await unary(api.deleteDeployment({ projectId, spaceId: '', id: d.id }));
    expect(await failure(api.renewTemporaryDeployment({ id: d.id }))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
  });

  it('take the configured lease when none is named', async () => {
    const { deployment } = await unary(api.createTemporaryDeployment({ projectId, objectPrefix: 'a/b/', label: '', leaseMs: 0 }));
    expect(await row(deployment?.id ?? '')).toMatchObject({ leaseMs: 300_000, name: 'temporary deployment' });
  });

  it.each([
    ['a prefix leaving the bucket', { objectPrefix: 'trained_models/../../etc/' }, 'object_prefix'],
    ['a prefix without its final slash', { objectPrefix: 'trained_models/x' }, 'object_prefix'],
    ['an absolute prefix', { objectPrefix: '/trained_models/x/' }, 'object_prefix'],
    ['a lease of 10 ms', { leaseMs: 10 }, 'lease_ms'],
    ['no project', { projectId: '' }, 'project_id'],
  ] as const)('refuse %s with 400 naming %s', async (_what, over, field) => {
    const req = { projectId, objectPrefix: 'a/b/', label: 'x', leaseMs: 0, ...over };
    expect(await failure(api.createTemporaryDeployment(req))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
  });
});

/** A prompt of the prompts service, as `POST /v1/prompts` creates it: a template with one variable. */
async function createPrompt(container: { projectId?: string; spaceId?: string }): Promise<string> {
  const { prompt } = await unary(
    prompts.service.createPrompt({
      projectId: container.projectId ?? '',
      spaceId: container.spaceId ?? '',
      caller: { userId: 'tester', admin: false },
      name: 'greeting',
      description: '',
      createdAt: 0,
      taskIds: [],
      modelVersionJson: '',
      promptVariablesJson: JSON.stringify({ name: 'world' }),
      inputMode: 'freeform',
      promptJson: JSON.stringify({ model_id: 'ibm/granite-3-8b-instruct', data: { instruction: 'Say hello to {name}.' } }),
    }),
  );
  return prompt?.id ?? '';
}

describe("deployments of the prompts service's templates", () => {
  const projectId = randomUUID();

  it('deploy a prompt of the project on a foundation model; one of another project or space is a 404 naming prompt_template.id', async () => {
    const templateId = await createPrompt({ projectId });
    const { deployment } = await unary(
      api.createDeployment(
        createRequest({
          projectId,
          promptTemplateId: templateId,
          baseModelId: 'ibm/granite-3-8b-instruct',
          onlineParametersJson: JSON.stringify({ serving_name: `greet_${tag}` }),
        }),
      ),
    );
    expect(deployment).toMatchObject({ promptTemplateId: templateId, deployedAssetType: 'foundation_model', status: { state: 'ready' } });
    for (const container of [{ projectId: randomUUID() }, { spaceId: randomUUID() }]) {
      const elsewhere = await createPrompt(container);
      const err = await failure(
        api.createDeployment(createRequest({ projectId, promptTemplateId: elsewhere, baseModelId: 'ibm/granite-3-8b-instruct' })),
      );
      expect(err).toMatchObject({ code: GrpcStatus.NOT_FOUND });
      expect(err.message).toContain(`prompt_template.id ${elsewhere}`);
    }
    // PATCH to another template looks it up too.
    const patch = (id: string) => JSON.stringify([{ op: 'replace', path: '/prompt_template', value: { id } }]);
    const next = await createPrompt({ projectId });
    const patched = await unary(api.updateDeployment({ projectId, spaceId: '', id: deployment?.id ?? '', patchJson: patch(next) }));
    expect(patched.deployment?.promptTemplateId).toBe(next);
    expect(
      await failure(api.updateDeployment({ projectId, spaceId: '', id: deployment?.id ?? '', patchJson: patch(randomUUID()) })),
    ).toMatchObject({ code: GrpcStatus.NOT_FOUND });
  });

  it('while the prompts service cannot be reached, answer 503-style UNAVAILABLE (prompts_unavailable), not a 404', async () => {
    const templateId = await createPrompt({ projectId });
    await promptsProcess?.stop();
    promptsProcess = undefined;
    const err = await failure(
      api.createDeployment(createRequest({ projectId, promptTemplateId: templateId, baseModelId: 'ibm/granite-3-8b-instruct' })),
    );
    expect(err).toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    expect(err.message).toContain('prompts service');
    expect(await ds.getRepository(DeploymentEntity).countBy({ projectId, promptTemplateId: templateId })).toBe(0);
  });
});

/**
 * The rules of template deployments on their own: the same services on the same database and NATS with a template
 * lookup that knows one template (the prompts service's own lookup is above).
 */
describe('deployments with a prompt template', () => {
  const projectId = randomUUID();
  const templateId = randomUUID();
  const known: PromptTemplates = { find: (id) => Promise.resolve(id === templateId ? { id } : undefined) };
  let relay: OutboxRelay;
  let deployments: DeploymentsService;
  let changes: DeploymentChangesService;

  beforeAll(() => {
    relay = new OutboxRelay({ dataSource: ds, schema: 'deployment', nc, pollIntervalMs: 100 });
    relay.start();
    const store = new DeploymentStore(ds, relay, DeploymentConfig.load().queue);
    deployments = new DeploymentsService(store, known);
    changes = new DeploymentChangesService(store, known);
  });
  afterAll(() => relay?.stop());

  it('deploys a template on a foundation model: routed to the model, ready at once, no keeper; base_model_id can be replaced', async () => {
    const d = await deployments.create(
      createRequest({ projectId, promptTemplateId: templateId, baseModelId: 'ibm/granite-3-8b-instruct' }),
    );
    expect(d).toMatchObject({
      deployedAssetType: 'foundation_model',
      modelId: 'ibm/granite-3-8b-instruct',
      replicas: 0,
      status: { state: 'ready' },
    });
    expect(await row(d.id)).toMatchObject({ status: 'completed', modelPrefix: '' });
    const patched = await changes.update({
      projectId,
      spaceId: '',
      id: d.id,
      patchJson: JSON.stringify([{ op: 'replace', path: '/base_model_id', value: 'ibm/other' }]),
    });
    expect(patched).toMatchObject({ baseModelId: 'ibm/other', rev: 1 });
    for (const path of ['/hardware_spec', '/asset'])
      expect(
        await failure(
          changes.update({ projectId, spaceId: '', id: d.id, patchJson: JSON.stringify([{ op: 'replace', path, value: { id: 'WX-S' } }]) }),
        ),
      ).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: path,
      });
    expect(
      await failure(
        changes.update({
          projectId,
          spaceId: '',
          id: d.id,
          patchJson: JSON.stringify([{ op: 'replace', path: '/prompt_template/id', value: randomUUID() }]),
        }),
      ),
    ).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
    await waitFor(() => eventsOf(d.id, 'deployment.created').length === 1, 10_000);
    expect(eventsOf(d.id, 'deployment.keep')).toEqual([]);
  });

  it('deploys a template on a base deployment: its pool, its state; deleting it removes the row at once with deployment.deleted', async () => {
    const base = await deployAsset(projectId, { onlineParametersJson: JSON.stringify({ serving_name: `base_${tag}` }) });
    const d = await deployments.create(
      createRequest({
        projectId,
        baseDeploymentId: base.id,
        promptTemplateId: templateId,
        onlineParametersJson: JSON.stringify({ serving_name: `tpl_${tag}` }),
      }),
    );
    expect(d).toMatchObject({
      deployedAssetType: 'custom_foundation_model',
      modelId: base.modelId,
      baseModelId: 'ibm/granite-test',
      replicas: 0,
      status: { state: 'initializing' },
    });
    await ds.getRepository(DeploymentEntity).update({ id: base.id }, { state: 'ready' });
    expect(await deployments.get({ projectId, spaceId: null }, d.id)).toMatchObject({ status: { state: 'ready' } });
    const listed = await deployments.list({ ...listAll(projectId), type: 'custom_foundation_model and prompt_template', state: 'ready' });
    expect(listed.deployments.map((x) => x.id)).toEqual([d.id]);
    expect((await deployments.list({ ...listAll(projectId), promptTemplateId: templateId })).totalCount).toBe(2);
    // A template deployment cannot be the base of another one.
    expect(
      await failure(deployments.create(createRequest({ projectId, baseDeploymentId: d.id, promptTemplateId: templateId }))),
    ).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'base_deployment_id',
    });
    await changes.delete({ projectId, spaceId: '', id: d.id });
    expect(await row(d.id)).toBeNull();
    await waitFor(() => eventsOf(d.id, 'deployment.deleted').length === 1, 10_000);
  });
});

describe('deployments of an AutoAI RAG pattern', () => {
  const projectId = randomUUID();
  const experimentId = randomUUID();
  const pattern = (patternName: string, modelId: string) =>
    insertRagPatternAsset(ds, { projectId }, { experimentId, patternName, modelId });

  it("serve the pattern's foundation model with no replicas: ready at once, no keeper, its experiment and pattern resolvable", async () => {
    const asset = await pattern('Pattern1', 'ibm/granite-3-8b-instruct');
    const { deployment } = await unary(
      api.createDeployment(
        createRequest({ projectId, assetId: asset.id, onlineParametersJson: JSON.stringify({ serving_name: `rag_${tag}` }) }),
      ),
    );
    const d = deployment as deploymentV1.Deployment;
    const expected = {
      assetId: asset.id,
      deployedAssetType: 'autoai_rag_pattern',
      modelId: 'ibm/granite-3-8b-instruct',
      baseModelId: 'ibm/granite-3-8b-instruct',
      replicas: 0,
      readyReplicas: 0,
      status: { state: 'ready' },
      ragExperimentId: experimentId,
      ragPatternName: 'Pattern1',
    };
    expect(d).toMatchObject(expected);
    expect(await row(d.id)).toMatchObject({ status: 'completed', modelPrefix: '' });
    expect((await unary(api.resolveDeployment({ idOrName: `rag_${tag}` }))).deployment).toMatchObject({ id: d.id, ...expected });
    const listed = await unary(api.listDeployments({ ...listAll(projectId), type: 'autoai_rag_pattern' }));
    expect(listed.deployments.map((x) => x.id)).toEqual([d.id]);
    await waitFor(() => eventsOf(d.id, 'deployment.created').length === 1, 10_000);
    expect(eventsOf(d.id, 'deployment.keep')).toEqual([]);
  });

  it('refuse hardware_spec and a prompt template, naming the field, and write nothing', async () => {
    const asset = await pattern('Pattern2', 'ibm/granite-3-8b-instruct');
    const withHardware = createRequest({ projectId, assetId: asset.id, hardwareSpec: { id: 'WX-S', name: '', numNodes: 1 } });
    expect(await failure(api.createDeployment(withHardware))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'hardware_spec',
      message: 'hardware_spec is not allowed in an AutoAI RAG pattern deployment.',
    });
    const withTemplate = createRequest({ projectId, assetId: asset.id, promptTemplateId: randomUUID() });
    expect(await failure(api.createDeployment(withTemplate))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'prompt_template.id',
    });
    expect(await ds.getRepository(DeploymentEntity).countBy({ assetId: asset.id })).toBe(0);
  });

  it('take another pattern through PATCH /asset (model and pattern follow, no new rev), refuse other asset types and hardware, and delete at once', async () => {
    const first = await pattern('Pattern3', 'ibm/granite-3-8b-instruct');
    const second = await pattern('Pattern4', 'starter');
    const d = (await unary(api.createDeployment(createRequest({ projectId, assetId: first.id })))).deployment as deploymentV1.Deployment;
    const { deployment: swapped } = await unary(patch(projectId, d.id, [{ op: 'replace', path: '/asset', value: { id: second.id } }]));
    expect(swapped).toMatchObject({
      assetId: second.id,
      modelId: 'starter',
      baseModelId: 'starter',
      ragPatternName: 'Pattern4',
      ragExperimentId: experimentId,
      rev: 1,
      replicas: 0,
      status: { state: 'ready' },
    });
    const fineTune = await insertAsset(ds, { projectId }, 'fine_tune_1.0');
    expect(await failure(patch(projectId, d.id, [{ op: 'replace', path: '/asset', value: { id: fineTune.id } }]))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'asset.id',
    });
    expect(await failure(patch(projectId, d.id, [{ op: 'add', path: '/hardware_spec', value: { id: 'WX-S' } }]))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: '/hardware_spec',
    });
    await unary(api.deleteDeployment({ projectId, spaceId: '', id: d.id }));
    expect(await row(d.id)).toBeNull();
    await waitFor(() => eventsOf(d.id, 'deployment.deleted').length === 1, 10_000);
  });
});
