import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectGrpcService, unary, type GrpcServiceClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { writeTinyModel } from '@platform/engine/internals';
import { freePort } from '@platform/infra';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import { createTestDatabase, startServiceProcess, waitFor, type ServiceProcess } from '@platform/test-fixtures';
import { lastValueFrom, toArray } from 'rxjs';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEPLOYMENT_SCHEMA } from '../../deployment.tokens';
import { DeploymentEntity } from '../../deployments/deployment.entity';
import { enqueueKeeper } from '../keeper-queue';
import { pidAlive } from '../process/process-handle';
import { ReplicaEntity } from '../replica.entity';
import { startChild, type ChildService } from '../testing/child-process';
import { openDeploymentDatabase } from '../testing/keeper-harness';

/** waitFor for a value: resolves with it once `check` returns one. */
const waitForValue = <T>(check: () => Promise<T | undefined | null> | T | undefined, timeoutMs: number, everyMs = 250): Promise<T> =>
  waitFor(check, timeoutMs, everyMs) as Promise<T>;

const KEEPER_MAIN = 'apps/deployment/src/replicas/testing/keeper-main.ts';
const LONG = 600_000;

describe('deployment keeper with real engine-server replicas, inference, PostgreSQL, NATS and S3', () => {
  const tag = randomBytes(4).toString('hex');
  const projectId = randomUUID();
  const workDir = mkdtempSync(join(tmpdir(), 'deployment-keeper-'));
  const prefixes = {
    a: `custom_models/dk-${tag}-a/`,
    b: `custom_models/dk-${tag}-b/`,
    bad: `custom_models/dk-${tag}-bad/`,
    c: `custom_models/dk-${tag}-c/`,
  };
  let db: DataSource;
  let store: ObjectStore;
  let inferenceProcess: ServiceProcess;
  let inference: GrpcServiceClient<inferenceV1.InferenceServiceClient>;
  const keepers: ChildService[] = [];

  async function startKeeper(): Promise<{ process: ChildService; owner: string }> {
    const process = startChild(KEEPER_MAIN, {});
    keepers.push(process);
    const line = await waitForValue(() => process.lines.find((l) => l.startsWith('{"owner"')), 90_000, 100);
    return { process, owner: (JSON.parse(line) as { owner: string }).owner };
  }

  async function uploadModel(prefix: string, seed: number, corrupt = false): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'dk-model-'));
    writeTinyModel(dir, { seed, maxPositionEmbeddings: 512 });
    if (corrupt) writeFileSync(join(dir, 'model.safetensors'), Buffer.from('not a safetensors file at all'));
    for (const name of readdirSync(dir)) await store.put(`${prefix}${name}`, readFileSync(join(dir, name)));
    rmSync(dir, { recursive: true, force: true });
  }

  /** A deployment as the API creates one: the row and the keeper's queue message in one transaction. */
  async function createDeployment(modelPrefix: string, temporary?: { expiresAt: Date }): Promise<string> {
    const id = randomUUID();
    await db.transaction(async (m) => {
      await m.getRepository(DeploymentEntity).insert({
        id,
        projectId: temporary ? null : projectId,
        name: `keeper-${tag}`,
        temporary: Boolean(temporary),
        expiresAt: temporary?.expiresAt ?? null,
        deployedAssetType: 'custom_foundation_model',
        state: 'initializing',
        modelPrefix,
        hardwareProfile: 'PLATFORM-CPU',
        modelId: `deployments/${id}`,
        replicas: 1,
        status: 'queued',
        createdBy: 'test',
      });
      await enqueueKeeper(m, DEPLOYMENT_SCHEMA, { stream: jobsStream, subjectPrefix: jobsPrefix, durable: 'deployment-keepers' }, id);
    });
    return id;
  }

  const jobsStream = `TEST_DK_JOBS_${tag.toUpperCase()}`;
  const jobsPrefix = `test.dk${tag}.jobs`;
  const deployment = (id: string) => db.getRepository(DeploymentEntity).findOneBy({ id });
  const liveReplicas = (id: string) =>
    db.getRepository(ReplicaEntity).find({
      where: [
        { deploymentId: id, state: 'ready' },
        { deploymentId: id, state: 'starting' },
        { deploymentId: id, state: 'draining' },
      ],
    });
  const replicaRows = (id: string) => db.getRepository(ReplicaEntity).find({ where: { deploymentId: id }, order: { createdAt: 'ASC' } });
  const pidOf = (r: ReplicaEntity) => r.handle.pid as number;
  const outboxTypes = async (id: string): Promise<string[]> =>
    (
      (await db.query(`SELECT type FROM ${DEPLOYMENT_SCHEMA}.outbox WHERE payload->>'deploymentId' = $1 ORDER BY created_at`, [id])) as {
        type: string;
      }[]
    ).map((r) => r.type);

  async function generate(modelId: string): Promise<string> {
    const res = await unary(
      inference.service.generate({
        modelId,
        input: 'Hello there',
        projectId,
        spaceId: '',
        parameters: { decodingMethod: 'greedy', maxNewTokens: 8, stopSequences: [], timeLimit: 0, returnOptions: undefined },
        moderations: undefined,
      }),
    );
    return res.result?.generatedText ?? '';
  }

  async function generateStream(modelId: string): Promise<number> {
    const chunks = await lastValueFrom(
      inference.service
        .generateStream({
          modelId,
          input: 'Once upon a time',
          projectId,
          spaceId: '',
          parameters: { decodingMethod: 'greedy', maxNewTokens: 24, stopSequences: [], timeLimit: 0, returnOptions: undefined },
          moderations: undefined,
        })
        .pipe(toArray()),
    );
    return chunks.length;
  }

  /** Generation through the inference service works (the pool may need a probe or two after a replacement). */
  const serves = (modelId: string) =>
    waitFor(
      () =>
        generate(modelId).then(
          () => true,
          () => false,
        ),
      120_000,
      500,
    );

  beforeAll(async () => {
    const s3 = inject('s3');
    const [infGrpc, infOps] = [await freePort(), await freePort()];
    Object.assign(process.env, {
      DATABASE_URL: await createTestDatabase('deployment_keeper'),
      NATS_URL: inject('natsUrl'),
      PLATFORM_S3_ENDPOINT: s3.endpoint,
      PLATFORM_S3_BUCKET: s3.bucket,
      PLATFORM_S3_ACCESS_KEY: s3.accessKey,
      PLATFORM_S3_SECRET_KEY: s3.secretKey,
      PLATFORM_EVENTS_STREAM: `TEST_DK_${tag.toUpperCase()}`,
      PLATFORM_EVENTS_PREFIX: `test.dk${tag}.events`,
      PLATFORM_DEPLOYMENT_JOBS_STREAM: jobsStream,
      PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX: jobsPrefix,
      PLATFORM_DEPLOYMENT_WORK_DIR: workDir,
      PLATFORM_DEPLOYMENT_TICK_MS: '250',
      PLATFORM_DEPLOYMENT_LEASE_MS: '4000',
      PLATFORM_DEPLOYMENT_HEARTBEAT_MS: '500',
      PLATFORM_DEPLOYMENT_ACK_WAIT_MS: '4000',
      PLATFORM_DEPLOYMENT_START_TIMEOUT_MS: '180000',
      PLATFORM_DEPLOYMENT_DRAIN_TIMEOUT_MS: '60000',
      PLATFORM_DEPLOYMENT_RESTART_MIN_MS: '200',
      PLATFORM_DEPLOYMENT_RESTART_MAX_MS: '2000',
      PLATFORM_DEPLOYMENT_MAX_FAILED_STARTS: '3',
      PLATFORM_ENGINE_LOG_LEVEL: 'warn',
      PLATFORM_ENGINE_DRAIN_TIMEOUT_MS: '20000',
      PLATFORM_INFERENCE_GRPC_URL: `127.0.0.1:${infGrpc}`,
    });
    store = createObjectStoreFromEnv();
    await Promise.all([
      uploadModel(prefixes.a, 1),
      uploadModel(prefixes.b, 2),
      uploadModel(prefixes.bad, 3, true),
      uploadModel(prefixes.c, 4),
    ]);
    db = await openDeploymentDatabase(process.env.DATABASE_URL ?? '');
    inferenceProcess = await startServiceProcess(
      'inference',
      { PLATFORM_INFERENCE_OPS_PORT: String(infOps), PLATFORM_INFERENCE_BACKENDS: '[]', PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '200' },
      infOps,
      { timeoutMs: 90_000 },
    );
    inference = connectGrpcService('inference', inferenceV1.INFERENCE_SERVICE_NAME, { deadline: 'long' });
  }, 240_000);

  afterAll(async () => {
    for (const k of keepers) await k.stop();
    inference?.close();
    await inferenceProcess?.stop();
    // Whatever a failed test left: no replica process may outlive the suite.
    if (db?.isInitialized) {
      for (const r of await db.getRepository(ReplicaEntity).find()) {
        const pid = r.handle.pid;
        if (typeof pid === 'number' && pidAlive(pid)) process.kill(-pid, 'SIGKILL');
      }
      await db.destroy();
    }
    rmSync(workDir, { recursive: true, force: true });
  }, 120_000);

  let keeper: { process: ChildService; owner: string };
  let deploymentA: string;

  it(
    'starts a replica, announces it and is ready once the inference service routes to it',
    async () => {
      keeper = await startKeeper();
      deploymentA = await createDeployment(prefixes.a);
      const ready = await waitForValue<DeploymentEntity>(
        async () => {
          const d = await deployment(deploymentA);
          return d?.state === 'ready' ? d : undefined;
        },
        240_000,
        250,
      );
      expect(ready.statusMessage).toBe('The deployment is successful');
      // Ready means routable: a client that sees it can generate at once.
      expect(await generate(`deployments/${deploymentA}`)).toEqual(expect.any(String));
      const [replica] = await liveReplicas(deploymentA);
      expect(replica.state).toBe('ready');
      expect(pidAlive(pidOf(replica))).toBe(true);
      expect(existsSync(join(workDir, deploymentA, 'r1', 'model', 'config.json'))).toBe(true);
      await waitFor(async () => (await outboxTypes(deploymentA)).includes('deployment.ready'), 10_000);
    },
    LONG,
  );

  it(
    'replaces a replica killed with SIGKILL from the weights it had downloaded, and traffic recovers',
    async () => {
      const [before] = await liveReplicas(deploymentA);
      // Gone with the rev's folder if the weights were removed (and downloaded again) for the restart.
      const sentinel = join(workDir, deploymentA, 'r1', 'kept-across-restart');
      writeFileSync(sentinel, '');
      process.kill(pidOf(before), 'SIGKILL');
      const replacement = await waitForValue<ReplicaEntity>(
        async () => {
          const live = await liveReplicas(deploymentA);
          return live.find((r) => r.id !== before.id && r.state === 'ready');
        },
        240_000,
        250,
      );
      expect(pidOf(replacement)).not.toBe(pidOf(before));
      const old = await db.getRepository(ReplicaEntity).findOneByOrFail({ id: before.id });
      expect(old.state).toBe('failed');
      expect(old.lastError).toMatch(/exited/);
      expect(existsSync(sentinel)).toBe(true);
      await serves(`deployments/${deploymentA}`);
    },
    LONG,
  );

  it(
    'a new keeper adopts the replicas of a keeper that was killed (same processes, no new replica)',
    async () => {
      const [before] = await liveReplicas(deploymentA);
      const rowsBefore = (await replicaRows(deploymentA)).length;
      await keeper.process.kill();
      // The replica outlives the killed service.
      expect(pidAlive(pidOf(before))).toBe(true);
      keeper = await startKeeper();
      await waitFor(async () => (await deployment(deploymentA))?.leaseOwner === keeper.owner, 120_000, 250);
      // A few ticks of the new keeper: the same replica, still the only one.
      await new Promise((r) => setTimeout(r, 3_000));
      const live = await liveReplicas(deploymentA);
      expect(live.map((r) => [r.id, pidOf(r), r.state])).toEqual([[before.id, pidOf(before), 'ready']]);
      expect(await replicaRows(deploymentA)).toHaveLength(rowsBefore);
      expect(pidAlive(pidOf(before))).toBe(true);
      await serves(`deployments/${deploymentA}`);
    },
    LONG,
  );

  it(
    'swaps to a new rev under continuous traffic without a failed request',
    async () => {
      const modelId = `deployments/${deploymentA}`;
      const [old] = await liveReplicas(deploymentA);
      let stop = false;
      const outcomes = { ok: 0, failed: [] as string[] };
      const traffic = Array.from({ length: 2 }, async (_, worker) => {
        for (let i = 0; !stop; i++) {
          try {
            if ((i + worker) % 2 === 0) await generate(modelId);
            else await generateStream(modelId);
            outcomes.ok++;
          } catch (err) {
            outcomes.failed.push((err as Error).message);
          }
        }
      });
      await waitFor(() => outcomes.ok >= 4, 60_000, 50);
      // What a PATCH of the asset does: a new rev, state updating (the keeper is running, so no new message).
      await db.getRepository(DeploymentEntity).update({ id: deploymentA }, { rev: 2, modelPrefix: prefixes.b, state: 'updating' });
      await waitFor(
        async () => {
          const d = await deployment(deploymentA);
          const live = await liveReplicas(deploymentA);
          return d?.state === 'ready' && live.length === 1 && live[0].rev === 2 && live[0].state === 'ready';
        },
        300_000,
        250,
      );
      const afterSwap = outcomes.ok;
      await waitFor(() => outcomes.ok >= afterSwap + 4, 60_000, 50);
      stop = true;
      await Promise.all(traffic);
      console.log(`swap under traffic: ${outcomes.ok} requests succeeded, ${outcomes.failed.length} failed`);
      expect(outcomes.failed).toEqual([]);
      const retired = await db.getRepository(ReplicaEntity).findOneByOrFail({ id: old.id });
      expect(retired.state).toBe('stopped');
      expect(pidAlive(pidOf(old))).toBe(false);
      // The old rev's weights go once it is retired.
      await waitFor(() => !existsSync(join(workDir, deploymentA, 'r1')), 30_000, 100);
      expect(existsSync(join(workDir, deploymentA, 'r2', 'model', 'config.json'))).toBe(true);
    },
    LONG,
  );

  it(
    'fails a deployment whose weights cannot load, with the server message, and leaves nothing running',
    async () => {
      const id = await createDeployment(prefixes.bad);
      const failed = await waitForValue<DeploymentEntity>(
        async () => {
          const d = await deployment(id);
          return d?.state === 'failed' ? d : undefined;
        },
        240_000,
        250,
      );
      console.log(`bad weights: ${failed.failureMessage}`);
      expect(failed.failureCode).toBe('deployment_failed');
      expect(failed.failureMessage).toMatch(/exited/);
      expect(failed.failureMessage?.length).toBeGreaterThan(40);
      expect(failed.status).toBe('failed');
      const rows = await replicaRows(id);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.state).toBe('failed');
        if (typeof r.handle.pid === 'number') expect(pidAlive(r.handle.pid)).toBe(false);
      }
      await waitFor(async () => (await outboxTypes(id)).includes('deployment.failed'), 10_000);
      expect(existsSync(join(workDir, id))).toBe(false);
    },
    LONG,
  );

  it(
    'an update whose weights cannot load fails the deployment while the previous rev keeps serving',
    async () => {
      const modelId = `deployments/${deploymentA}`;
      const [serving] = await liveReplicas(deploymentA);
      await db.getRepository(DeploymentEntity).update({ id: deploymentA }, { rev: 3, modelPrefix: prefixes.bad, state: 'updating' });
      const failed = await waitForValue<DeploymentEntity>(async () => {
        const d = await deployment(deploymentA);
        return d?.state === 'failed' ? d : undefined;
      }, 240_000);
      expect(failed.failureMessage).toMatch(/exited/);
      // The keeper goes on: the rev 2 replica is still the one serving.
      expect(failed.status).toBe('running');
      expect((await liveReplicas(deploymentA)).map((r) => r.id)).toEqual([serving.id]);
      expect(await generate(modelId)).toEqual(expect.any(String));
      // A later update with good weights brings the deployment back.
      await db.getRepository(DeploymentEntity).update({ id: deploymentA }, { rev: 4, modelPrefix: prefixes.a, state: 'updating' });
      await waitFor(
        async () => {
          const d = await deployment(deploymentA);
          const live = await liveReplicas(deploymentA);
          return d?.state === 'ready' && live.length === 1 && live[0].rev === 4 && live[0].state === 'ready';
        },
        300_000,
        250,
      );
      expect(pidAlive(pidOf(serving))).toBe(false);
      await serves(modelId);
    },
    LONG,
  );

  it(
    'a keeper shut down gracefully stops its replica processes; the next keeper starts new ones',
    async () => {
      const [before] = await liveReplicas(deploymentA);
      await keeper.process.stop();
      expect(keeper.process.child.exitCode).toBe(0);
      expect(pidAlive(pidOf(before))).toBe(false);
      expect(await liveReplicas(deploymentA)).toEqual([]);
      expect((await db.getRepository(ReplicaEntity).findOneByOrFail({ id: before.id })).state).toBe('stopped');
      expect(existsSync(join(workDir, deploymentA))).toBe(false);
      keeper = await startKeeper();
      const replacement = await waitForValue<ReplicaEntity>(
        async () => (await liveReplicas(deploymentA)).find((r) => r.state === 'ready'),
        240_000,
      );
      expect(replacement.id).not.toBe(before.id);
      await serves(`deployments/${deploymentA}`);
    },
    LONG,
  );

  it(
    'deletes a temporary deployment nobody renewed',
    async () => {
      const id = await createDeployment(prefixes.a, { expiresAt: new Date(Date.now() + 600_000) });
      await waitFor(async () => (await deployment(id))?.state === 'ready', 240_000, 250);
      const [replica] = await liveReplicas(id);
      // The evaluation service that held it died: its lease runs out.
      await db.getRepository(DeploymentEntity).update({ id }, { expiresAt: new Date() });
      await waitFor(async () => (await deployment(id)) === null, 120_000, 250);
      expect(pidAlive(pidOf(replica))).toBe(false);
      expect(await outboxTypes(id)).toContain('deployment.deleted');
      expect(existsSync(join(workDir, id))).toBe(false);
    },
    LONG,
  );

  it(
    'stops the replicas of a deployment deleted while no keeper ran',
    async () => {
      const id = await createDeployment(prefixes.a);
      await waitFor(async () => (await deployment(id))?.state === 'ready', 240_000, 250);
      const [replica] = await liveReplicas(id);
      await keeper.process.kill();
      await db.getRepository(DeploymentEntity).update({ id }, { deletedAt: new Date() });
      expect(pidAlive(pidOf(replica))).toBe(true);
      keeper = await startKeeper();
      await waitFor(async () => (await deployment(id)) === null, 120_000, 250);
      expect(pidAlive(pidOf(replica))).toBe(false);
      expect(existsSync(join(workDir, id))).toBe(false);
    },
    LONG,
  );

  it(
    'restarts a crashed replica with back-off and fails the deployment after maxFailedStarts failed restarts',
    async () => {
      const id = await createDeployment(prefixes.c);
      await waitFor(async () => (await deployment(id))?.state === 'ready', 240_000, 250);
      const [replica] = await liveReplicas(id);
      // The downloaded weights went bad (the bucket's are fine): every restart reuses them and cannot load them.
      const weights = join(workDir, id, 'r1', 'model', 'model.safetensors');
      writeFileSync(`${weights}.bad`, Buffer.from('truncated'));
      renameSync(`${weights}.bad`, weights);
      process.kill(pidOf(replica), 'SIGKILL');
      const failed = await waitForValue<DeploymentEntity>(async () => {
        const d = await deployment(id);
        return d?.state === 'failed' ? d : undefined;
      }, 240_000);
      expect(failed.status).toBe('failed');
      expect(failed.failureMessage).toMatch(/exited/);
      const rows = await replicaRows(id);
      // The crashed replica, then three failed starts (PLATFORM_DEPLOYMENT_MAX_FAILED_STARTS), each after a longer wait.
      expect(rows.map((r) => r.state)).toEqual(['failed', 'failed', 'failed', 'failed']);
      const gaps = rows.slice(2).map((r, i) => r.createdAt.getTime() - (rows[i + 1].stoppedAt?.getTime() ?? 0));
      // Back-off doubles from PLATFORM_DEPLOYMENT_RESTART_MIN_MS (200 ms); timestamps are whole milliseconds.
      expect(gaps[0]).toBeGreaterThanOrEqual(199);
      expect(gaps[1]).toBeGreaterThanOrEqual(399);
      for (const r of rows) if (typeof r.handle.pid === 'number') expect(pidAlive(r.handle.pid)).toBe(false);
      expect(existsSync(join(workDir, id))).toBe(false);
    },
    LONG,
  );

  it(
    'on delete drains and stops every replica, then deletes the row',
    async () => {
      const live = await liveReplicas(deploymentA);
      expect(live.length).toBeGreaterThan(0);
      await db.getRepository(DeploymentEntity).update({ id: deploymentA }, { deletedAt: new Date() });
      await waitFor(async () => (await deployment(deploymentA)) === null, 120_000, 250);
      for (const r of live) expect(pidAlive(pidOf(r))).toBe(false);
      expect(await outboxTypes(deploymentA)).toContain('deployment.deleted');
      expect(existsSync(join(workDir, deploymentA))).toBe(false);
    },
    LONG,
  );
});
