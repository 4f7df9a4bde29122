import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { trainingV1 } from '@platform/contracts';
import { encodeEvent, type TrainingCheckpointSaved, type TrainingJobTrained } from '@platform/events';
import { freePort } from '@platform/infra';
import type { ObjectStore } from '@platform/object-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeTinyModel } from '@platform/engine/internals';
import { startTrainingService } from './main';
import {
  EventLog,
  createDatabase,
  evaluationEvent,
  objectStoreOf,
  seedDataJob,
  specEnv,
  startServiceChild,
  trainingClient,
  trainingJsonl,
  waitUntil,
  type ServiceChild,
  type TrainingClient,
} from './testing/training-fixture';

const S = trainingV1.ModelJobStatus;
const tag = randomBytes(4).toString('hex');
const projectId = randomUUID();
const otherProject = randomUUID();
const root = mkdtempSync(join(tmpdir(), 'training-int-'));

let env: NodeJS.ProcessEnv;
let store: ObjectStore;
let sdg: ServiceChild;
let api: Awaited<ReturnType<typeof startTrainingService>>;
let client: TrainingClient;
const workers: ServiceChild[] = [];
let nc: NatsConnection;
let js: JetStreamClient;
let events: EventLog;
let databaseUrl: string;
let smallData: string;
let largeData: string;

/** A data run of `copies` rounds of the fixture conversations, in the SDG service's table and in the bucket. */
async function dataRun(copies: number, project = projectId): Promise<string> {
  const id = await seedDataJob(databaseUrl, { projectId: project });
  await store.put(`data/${id}/knowledge_train_msgs.jsonl`, Buffer.from(trainingJsonl(copies)));
  await store.put(`data/${id}/skills_train_msgs.jsonl`, Buffer.from(trainingJsonl(copies, 'Sure! ')));
  return id;
}

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out.sort();
}

const job = async (id: string) => (await client.get({ projectId, id })).modelJob as trainingV1.ModelJob;

/** Resolves once a durable consumer holds no message pending or awaiting an ack: what it was given is handled. */
async function settled(stream: string, durable: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitUntil(
    `${durable} settled`,
    async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    30_000,
  );
}

async function publishEvaluation(
  type: 'evaluation.model.evaluated' | 'evaluation.model.failed',
  data: Record<string, unknown>,
): Promise<void> {
  const ev = evaluationEvent(env.PLATFORM_EVENTS_PREFIX as string, type, data);
  await js.publish(ev.subject, encodeEvent(ev), { msgID: ev.id });
}

function trainerProcessesOf(modelId: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes('training/cli.ts') && l.includes(modelId));
}

beforeAll(async () => {
  const infra = { databaseUrl: inject('databaseUrl'), natsUrl: inject('natsUrl'), s3: inject('s3') };
  databaseUrl = await createDatabase(infra.databaseUrl, `training_${tag}`);
  writeTinyModel(join(root, 'base'));
  env = { ...specEnv(infra, tag, databaseUrl, `${join(root, 'base')}:tiny-base`), PLATFORM_TRAINING_WORK_DIR: join(root, 'work') };
  store = objectStoreOf(infra);
  // The real SDG service answers GetDataJob; its runs are seeded in its own table as its worker leaves them.
  sdg = await startServiceChild('sdg', env);
  Object.assign(process.env, env, { PLATFORM_SDG_GRPC_URL: sdg.grpcUrl, PLATFORM_TRAINING_WORKERS: '0' });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  api = await startTrainingService({ grpcUrl, opsPort: await freePort() });
  client = trainingClient(grpcUrl);
  env.PLATFORM_SDG_GRPC_URL = sdg.grpcUrl;
  workers.push(await startServiceChild('training', { ...env, PLATFORM_TRAINING_WORKERS: '1' }));
  nc = await connect({ servers: infra.natsUrl });
  js = jetstream(nc);
  events = new EventLog(nc, env.PLATFORM_EVENTS_PREFIX as string);
  smallData = await dataRun(10);
  largeData = await dataRun(100);
}, 180_000);

afterAll(async () => {
  events?.close();
  await nc?.drain();
  client?.close();
  await Promise.allSettled(workers.map((w) => w.stop()));
  await api?.close();
  await sdg?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('training service', () => {
  it('refuses data that is missing, unfinished or of another project, and bad hyperparameters (400 before any row)', async () => {
    const invalid = { code: GrpcStatus.INVALID_ARGUMENT };
    await expect(
      client.create({ projectId, name: 'm1', dataId: randomUUID(), createdBy: 'u', baseModel: '', hyperparameters: undefined }),
    ).rejects.toMatchObject(invalid);
    const foreign = await dataRun(1, otherProject);
    await expect(
      client.create({ projectId, name: 'm1', dataId: foreign, createdBy: 'u', baseModel: '', hyperparameters: undefined }),
    ).rejects.toMatchObject(invalid);
    const running = await seedDataJob(databaseUrl, { projectId, status: 'running' });
    await expect(
      client.create({ projectId, name: 'm1', dataId: running, createdBy: 'u', baseModel: '', hyperparameters: undefined }),
    ).rejects.toMatchObject({ ...invalid, details: expect.stringMatching(/running/) });
    await expect(
      client.create({
        projectId,
        name: 'm1',
        dataId: smallData,
        createdBy: 'u',
        baseModel: '',
        hyperparameters: { mode: '', phase1NumEpochs: 0 },
      }),
    ).rejects.toMatchObject({
      ...invalid,
      details: expect.stringMatching(/phase1_num_epochs/),
    });
    await expect(
      client.create({ projectId, name: 'm1', dataId: smallData, createdBy: 'u', baseModel: 'granite-7b', hyperparameters: undefined }),
    ).rejects.toMatchObject(invalid);
    await expect(
      client.create({ projectId, name: 'bad name!', dataId: smallData, createdBy: 'u', baseModel: '', hyperparameters: undefined }),
    ).rejects.toMatchObject(invalid);
    expect((await client.list({ projectId, start: '', limit: 0 })).modelJobs).toEqual([]);
  });

  it('trains knowledge then skills, one announced checkpoint per epoch, and completes once evaluation picked the best', async () => {
    const { modelJob } = await client.create({
      projectId,
      name: 'two-phase',
      dataId: smallData,
      createdBy: 'u',
      baseModel: '',
      hyperparameters: { mode: '', phase1NumEpochs: 2, phase2NumEpochs: 2, batchSize: 4 },
    });
    const id = modelJob!.id;
    expect(modelJob).toMatchObject({
      status: S.MODEL_JOB_STATUS_QUEUED,
      state: '',
      baseModel: 'tiny-base',
      dataId: smallData,
      executor: 'builtin',
    });
    expect(modelJob!.taxonomyId).toMatch(/^[a-z0-9-]{36}$/);
    expect(modelJob!.modelMetrics?.tokens?.trainingEstimated).toBe(4242);

    const trained = await waitUntil('training.job.trained', () => events.of<TrainingJobTrained>('training.job.trained', id)[0], 120_000);
    const saved = events.of<TrainingCheckpointSaved>('training.checkpoint.saved', id).map((e) => e.data);
    expect(saved.map((c) => [c.phase, c.epoch])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ]);
    for (const c of saved) {
      expect(c.objectPrefix).toBe(`trained_models/${id}/artifacts/phase${c.phase}/epoch-${c.epoch}/`);
      expect(await keys(c.objectPrefix)).toEqual(
        expect.arrayContaining([`${c.objectPrefix}config.json`, `${c.objectPrefix}tokenizer.json`, `${c.objectPrefix}model.safetensors`]),
      );
    }
    expect(trained.data).toMatchObject({
      projectId,
      dataId: smallData,
      baseModel: 'tiny-base',
      candidates: saved.filter((c) => c.phase === 2).map(({ phase, epoch, objectPrefix }) => ({ phase, epoch, objectPrefix })),
    });
    // Phase 2 started from phase 1's last checkpoint: its first epoch is not the base model's weights.
    const evaluating = await job(id);
    expect(evaluating).toMatchObject({ status: S.MODEL_JOB_STATUS_RUNNING, state: 'evaluating' });
    const tokens = evaluating.modelMetrics!.tokens!;
    expect(tokens.trainingPhases!.phase1Knowledge).toBeGreaterThan(0);
    expect(tokens.trainingPhases!.phase2Skills).toBeGreaterThan(tokens.trainingPhases!.phase1Knowledge);
    expect(tokens.trainingTotal).toBe(tokens.trainingPhases!.phase1Knowledge + tokens.trainingPhases!.phase2Skills);
    const logs = await keys(`trained_models/${id}/logs/`);
    expect(logs).toEqual([`trained_models/${id}/logs/system-attempt-1.json`, `trained_models/${id}/logs/train-attempt-1.log`]);
    const system = JSON.parse((await store.getBuffer(logs[0])).toString()) as Record<string, unknown>;
    expect(system).toMatchObject({
      node_version: process.version,
      executor: { executor: 'builtin' },
      hyperparameters: { phase1: { epochs: 2 }, batchSize: 4 },
    });
    expect((await store.getBuffer(logs[1])).toString()).toMatch(/"event":"checkpoint".*"phase":2,"epoch":2/);

    const best = saved.find((c) => c.phase === 2 && c.epoch === 1)!;
    const metrics = {
      mmlu: { overall_average: 0.31, scores: { science: 0.31 } },
      mmlu_branch: { error_rate: 0, improvements: { knowledge_science: 0.2 }, regressions: {}, no_change: {} },
      mt_bench: { overall_average: 4.5, error_rate: 0.1, scores: { turn_one: 5, turn_two: 4 } },
      mt_bench_branch: { error_rate: 0, improvements: { 'compositional_skills/x/qna.yaml': 1 }, regressions: {}, no_change: {} },
    };
    await publishEvaluation('evaluation.model.evaluated', {
      modelId: id,
      projectId,
      bestCheckpoint: { phase: 2, epoch: 1, objectPrefix: best.objectPrefix },
      metrics,
    });
    const done = await waitUntil(
      'completed',
      async () => ((await job(id)).status === S.MODEL_JOB_STATUS_COMPLETED ? job(id) : undefined),
      30_000,
    );
    expect(done.completedAt).toBeInstanceOf(Date);
    expect(done.bestCheckpoint).toEqual({ phase: 2, epoch: 1, objectPrefix: best.objectPrefix });
    expect(done.modelMetrics).toMatchObject({
      mmlu: { overallAverage: 0.31, scores: { science: 0.31 } },
      mmluBranch: { errorRate: 0, improvements: { knowledge_science: 0.2 } },
      mtBench: { overallAverage: 4.5, errorRate: 0.1, scores: { turn_one: 5, turn_two: 4 } },
      mtBenchBranch: { improvements: { 'compositional_skills/x/qna.yaml': 1 } },
      tokens: { trainingTotal: tokens.trainingTotal },
    });
    // The model is the chosen checkpoint, byte for byte, and nothing more is written once completed.
    expect(await store.getBuffer(`trained_models/${id}/model/model.safetensors`)).toEqual(
      await store.getBuffer(`${best.objectPrefix}model.safetensors`),
    );
    const after = await keys(`trained_models/${id}/`);
    // The verdict's handler is done once its consumer holds nothing unacked: nothing is written past that point.
    await settled(env.PLATFORM_EVENTS_STREAM as string, `${env.PLATFORM_TRAINING_DURABLE_PREFIX}-evaluation-results`);
    expect(await keys(`trained_models/${id}/`)).toEqual(after);
    expect(events.of('training.job.completed', id)).toHaveLength(1);
  }, 180_000);

  it('fails the job with the reason when evaluation fails, holding back a verdict that arrives before training ended', async () => {
    const { modelJob } = await client.create({
      projectId,
      name: 'eval-fails',
      dataId: smallData,
      createdBy: 'u',
      baseModel: '',
      hyperparameters: { mode: 'lora', phase1NumEpochs: 2, phase2NumEpochs: 1, loraRank: 2 },
    });
    const id = modelJob!.id;
    await waitUntil('first checkpoint', () => events.of('training.checkpoint.saved', id)[0], 120_000);
    await publishEvaluation('evaluation.model.failed', { modelId: id, projectId, reason: 'judge model unreachable' });
    await waitUntil('trained', () => events.of('training.job.trained', id)[0], 120_000);
    // The early verdict did not cut training short: every checkpoint was saved first.
    expect(events.of<TrainingCheckpointSaved>('training.checkpoint.saved', id).map((e) => `${e.data.phase}/${e.data.epoch}`)).toEqual([
      '1/1',
      '1/2',
      '2/1',
    ]);
    const failed = await waitUntil(
      'failed',
      async () => ((await job(id)).status === S.MODEL_JOB_STATUS_FAILED ? job(id) : undefined),
      30_000,
    );
    expect(failed.failureReason).toMatch(/judge model unreachable/);
    expect(failed.completedAt).toBeInstanceOf(Date);
  }, 180_000);

  it('cancels a running job at once and stops its trainer; delete removes the row and every object', async () => {
    const { modelJob } = await client.create({
      projectId,
      name: 'to-cancel',
      dataId: largeData,
      createdBy: 'u',
      baseModel: '',
      hyperparameters: { mode: '', phase1NumEpochs: 30, phase2NumEpochs: 1 },
    });
    const id = modelJob!.id;
    await waitUntil('first checkpoint', () => events.of('training.checkpoint.saved', id)[0], 120_000);
    expect(trainerProcessesOf(id)).toHaveLength(1);
    const canceled = (await client.cancel({ projectId, id })).modelJob!;
    expect(canceled).toMatchObject({ status: S.MODEL_JOB_STATUS_CANCELED, state: 'canceled' });
    expect(canceled.completedAt).toBeInstanceOf(Date);
    await waitUntil('trainer stopped', () => trainerProcessesOf(id).length === 0, 10_000);
    await waitUntil('work dir removed', () => !existsSync(join(root, 'work', id, 'attempt-1')), 10_000);
    const checkpoints = (await job(id)).checkpoints.length;
    // The worker has let go of the job once the job queue holds nothing pending or unacked: no checkpoint can be
    // saved after that, and each one saved before is announced once.
    await settled(env.PLATFORM_TRAINING_JOBS_STREAM as string, `${env.PLATFORM_TRAINING_DURABLE_PREFIX}-workers`);
    expect((await job(id)).checkpoints).toHaveLength(checkpoints);
    await waitUntil('checkpoints announced', () => events.of('training.checkpoint.saved', id).length === checkpoints, 30_000);
    expect((await job(id)).status).toBe(S.MODEL_JOB_STATUS_CANCELED);
    await expect(client.cancel({ projectId, id })).resolves.toBeTruthy();

    expect((await keys(`trained_models/${id}/`)).length).toBeGreaterThan(0);
    await client.delete({ projectId, id });
    await expect(client.get({ projectId, id })).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await keys(`trained_models/${id}/`)).toEqual([]);
  }, 180_000);

  it('resumes a job from its last checkpoint after the worker process is killed mid-epoch', async () => {
    const { modelJob } = await client.create({
      projectId,
      name: 'killed',
      dataId: largeData,
      createdBy: 'u',
      baseModel: '',
      hyperparameters: { mode: '', phase1NumEpochs: 3, phase2NumEpochs: 1 },
    });
    const id = modelJob!.id;
    await waitUntil('epoch 1', () => events.of('training.checkpoint.saved', id)[0], 120_000);
    const first = workers.shift()!;
    first.crash();
    await waitUntil('worker dead', () => first.child.exitCode !== null || first.child.signalCode !== null, 10_000);
    expect(trainerProcessesOf(id)).toEqual([]);
    const before = (await job(id)).checkpoints.length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(3);

    workers.push(await startServiceChild('training', { ...env, PLATFORM_TRAINING_WORKERS: '1' }));
    await waitUntil('trained after resume', () => events.of('training.job.trained', id)[0], 150_000);
    const saved = events.of<TrainingCheckpointSaved>('training.checkpoint.saved', id).map((e) => `${e.data.phase}/${e.data.epoch}`);
    // Every epoch checkpoint exactly once: the resumed worker did not train the saved epochs again.
    expect(saved).toEqual(['1/1', '1/2', '1/3', '2/1']);
    const resumed = await job(id);
    expect(resumed.state).toBe('evaluating');
    const log = (await store.getBuffer(`trained_models/${id}/logs/train-attempt-2.log`)).toString();
    expect(log).toMatch(new RegExp(`"event":"resume","phase":1,"fromEpoch":${before}`));
  }, 300_000);

  it('serves the same jobs as fine tunings: pages, tags, cancel by DELETE and hard delete', async () => {
    const made: string[] = [];
    for (const name of ['ft-a', 'ft-b', 'ft-c']) {
      const { modelJob } = await client.createFineTuning({
        projectId: otherProject,
        name,
        description: 'd',
        tags: name === 'ft-b' ? ['blue'] : [],
        dataId: await dataRun(1, otherProject),
        createdBy: 'u',
        hyperparameters: undefined,
      });
      made.push(modelJob!.id);
    }
    const first = await client.listFineTunings({ projectId: otherProject, start: '', limit: 2, state: '', tagValue: '' });
    expect(first.modelJobs.map((j) => j.id)).toEqual([made[2], made[1]]);
    expect(first.totalCount).toBe(3);
    const second = await client.listFineTunings({ projectId: otherProject, start: first.nextStart, limit: 2, state: '', tagValue: '' });
    expect(second.modelJobs.map((j) => j.id)).toEqual([made[0]]);
    expect(second.nextStart).toBe('');
    expect(
      (await client.listFineTunings({ projectId: otherProject, start: '', limit: 0, state: '', tagValue: 'blue' })).modelJobs.map(
        (j) => j.id,
      ),
    ).toEqual([made[1]]);
    await expect(
      client.listFineTunings({ projectId: otherProject, start: 'bogus', limit: 0, state: '', tagValue: '' }),
    ).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });

    await client.deleteFineTuning({ projectId: otherProject, id: made[0], hardDelete: false });
    expect((await client.get({ projectId: otherProject, id: made[0] })).modelJob!.status).toBe(S.MODEL_JOB_STATUS_CANCELED);
    for (const id of made) await client.deleteFineTuning({ projectId: otherProject, id, hardDelete: true });
    expect((await client.list({ projectId: otherProject, start: '', limit: 0 })).modelJobs).toEqual([]);
  }, 60_000);
});
