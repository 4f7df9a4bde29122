import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { S3ObjectStore } from '@platform/object-store';
import { batchV1JobSchema, ReplayServer, type RecordedExchange } from '@platform/test-fixtures';
import Ajv from 'ajv';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubernetesSettings } from '../../training-config';
import type { EpochCheckpoint, PhaseSpec } from '../executor';
import { buildPhaseJob } from './job-manifest';
import { KubernetesExecutor } from './kubernetes-executor';
import { JOB, MODEL_ID, NAMESPACE, conflictThenCanceled, createdAndCompleted, failedAfterBackoff } from './testing/recorded-job-exchanges';

const WORKSPACE = join(__dirname, '../../../../..');
const s3 = () => inject('s3');
const store = () => new S3ObjectStore({ ...s3(), region: 'us-east-1' });
const validateJob = new Ajv({ allErrors: true, strict: false }).compile(batchV1JobSchema);

const settings: KubernetesSettings = {
  namespace: NAMESPACE,
  image: 'registry.example.com/llm-platform:1.0',
  serviceAccount: 'ilab-trainer',
  s3Secret: 'platform-s3',
  cpu: '8',
  memory: '32Gi',
  gpus: 1,
  pollMs: 20,
  podSpecPatch: '{"nodeSelector":{"nvidia.com/gpu.present":"true"}}',
};

function phaseSpec(prefix: string): PhaseSpec {
  return {
    modelId: MODEL_ID,
    phase: 1,
    settings: {
      mode: 'full',
      epochs: 2,
      learningRate: 2e-5,
      batchSize: 128,
      maxSeqLen: 4096,
      loraRank: 8,
      loraAlpha: 32,
      warmupSteps: 25,
      seed: 42,
    },
    dataPath: '/unused',
    dataKey: `data/${MODEL_ID}/knowledge_train_msgs.jsonl`,
    modelDir: join(WORKSPACE, 'models/starter'),
    outputDir: '/unused',
    outputPrefix: prefix,
    resumeFromEpoch: 0,
  };
}

function executorFor(server: ReplayServer): KubernetesExecutor {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'recorded', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'trainer', token: 'recorded-token' }],
    contexts: [{ name: 'recorded', cluster: 'recorded', user: 'trainer', namespace: NAMESPACE }],
    currentContext: 'recorded',
  });
  return new KubernetesExecutor(kc.makeApiClient(BatchV1Api), store(), settings);
}

let servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function replay(exchanges: RecordedExchange[], onServed?: (i: number) => Promise<void> | void): Promise<ReplayServer> {
  const s = await new ReplayServer(exchanges, onServed).start();
  servers.push(s);
  return s;
}

/** What the pod does after an epoch: the HF directory, weights last, then the trainer state. */
async function podUploadsEpoch(prefix: string, epoch: number): Promise<void> {
  const st = store();
  await st.put(`${prefix}epoch-${epoch}/config.json`, Buffer.from('{}'));
  await st.put(`${prefix}epoch-${epoch}/model.safetensors`, Buffer.from('weights'));
  await st.put(`${prefix}trainer_state.json`, Buffer.from(JSON.stringify({ epoch, global_step: epoch * 10, total_steps: 20 })));
}

describe('Kubernetes executor against recorded API exchanges', () => {
  it('submits a valid batch/v1 Job, reports every epoch the pod uploads, and ends when the Job completes', async () => {
    const prefix = `trained_models/k8s-${randomBytes(4).toString('hex')}/artifacts/phase1/`;
    const server = await replay(createdAndCompleted, async (i) => {
      if (i === 1) await podUploadsEpoch(prefix, 1);
      if (i === 2) await podUploadsEpoch(prefix, 2);
    });
    const seen: EpochCheckpoint[] = [];
    const outcome = await executorFor(server).runPhase(phaseSpec(prefix), {
      signal: new AbortController().signal,
      log: () => undefined,
      onStep: () => undefined,
      onCheckpoint: async (c) => void seen.push(c),
    });

    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
    expect(outcome).toEqual({ status: 'completed' });
    expect(seen).toEqual([
      { epoch: 1, globalStep: 10, totalSteps: 20 },
      { epoch: 2, globalStep: 20, totalSteps: 20 },
    ]);
    const created = server.received[0].body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(validateJob(created), JSON.stringify(validateJob.errors)).toBe(true);
    expect(created.metadata).toMatchObject({ name: JOB, namespace: NAMESPACE, labels: { 'platform/model-id': MODEL_ID } });
    const pod = created.spec.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      serviceAccountName: 'ilab-trainer',
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
    });
    expect(pod.containers[0]).toMatchObject({
      image: settings.image,
      command: ['node', '-r', '@swc-node/register', 'apps/training/src/remote/phase-runner.ts'],
      envFrom: [{ secretRef: { name: 'platform-s3' } }],
      resources: { requests: { cpu: '8', memory: '32Gi' }, limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' } },
    });
    const env = Object.fromEntries((pod.containers[0].env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      PLATFORM_PHASE_DATA_KEY: `data/${MODEL_ID}/knowledge_train_msgs.jsonl`,
      PLATFORM_PHASE_OUTPUT_PREFIX: prefix,
      PLATFORM_PHASE_MODEL_DIR: 'models/starter',
      PLATFORM_PHASE_EPOCHS: '2',
      PLATFORM_PHASE_LEARNING_RATE: '0.00002',
    });
    expect(server.received.slice(1).every((r) => r.method === 'GET' && r.path.endsWith(`/jobs/${JOB}/status`))).toBe(true);
  });

  it('follows a Job that already exists (a restarted worker) and deletes it with its pods on cancel', async () => {
    const prefix = `trained_models/k8s-${randomBytes(4).toString('hex')}/artifacts/phase1/`;
    const ac = new AbortController();
    const server = await replay(conflictThenCanceled, (i) => {
      if (i === 1) ac.abort();
    });
    const logs: string[] = [];
    const outcome = await executorFor(server).runPhase(phaseSpec(prefix), {
      signal: ac.signal,
      log: (l) => logs.push(l),
      onStep: () => undefined,
      onCheckpoint: async () => undefined,
    });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining).toBe(0);
    expect(outcome).toEqual({ status: 'canceled' });
    expect(logs).toEqual([`following existing Job ${NAMESPACE}/${JOB}`, `deleted Job ${NAMESPACE}/${JOB}`]);
    expect(server.received[2]).toMatchObject({ method: 'DELETE', query: { propagationPolicy: 'Foreground', gracePeriodSeconds: '10' } });
  });

  it("fails the phase with the Job's failure condition", async () => {
    const prefix = `trained_models/k8s-${randomBytes(4).toString('hex')}/artifacts/phase1/`;
    const server = await replay(failedAfterBackoff);
    await expect(
      executorFor(server).runPhase(phaseSpec(prefix), {
        signal: new AbortController().signal,
        log: () => undefined,
        onStep: () => undefined,
        onCheckpoint: async () => undefined,
      }),
    ).rejects.toThrow(/BackoffLimitExceeded: Job has reached the specified backoff limit/);
    expect(server.mismatches).toEqual([]);
  });

  it('builds phase-2 Jobs that start from the phase-1 checkpoint in the bucket', () => {
    const job = buildPhaseJob(
      { ...phaseSpec('p/'), phase: 2, modelPrefix: `trained_models/${MODEL_ID}/artifacts/phase1/epoch-7/` },
      { ...settings, gpus: 0, podSpecPatch: '' },
    );
    expect(validateJob(job), JSON.stringify(validateJob.errors)).toBe(true);
    const env = Object.fromEntries((job.spec!.template.spec!.containers[0].env ?? []).map((e) => [e.name, e.value]));
    expect(env.PLATFORM_PHASE_MODEL_PREFIX).toBe(`trained_models/${MODEL_ID}/artifacts/phase1/epoch-7/`);
    expect(env.PLATFORM_PHASE_MODEL_DIR).toBeUndefined();
    expect(job.spec!.template.spec!.containers[0].resources!.limits).toEqual({ cpu: '8', memory: '32Gi' });
  });

  it('ships example Job manifests in deploy/training that satisfy the same schema', () => {
    const dir = join(WORKSPACE, 'deploy/training');
    const jobs = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => ({ file: f, doc: d.toJS() as { kind?: string } })))
      .filter((d) => d.doc?.kind === 'Job');
    expect(jobs.length).toBeGreaterThan(0);
    for (const { file, doc } of jobs) expect(validateJob(doc), `${file}: ${JSON.stringify(validateJob.errors)}`).toBe(true);
  });
});
