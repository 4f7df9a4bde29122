import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '@platform/engine/internals';
import type { SupervisedProcess } from '@platform/launcher';
import { chaosPipelinesDir } from './support/chaos/chaos-pipelines';
import { chaosSummary, compareEffects, type ScenarioResult } from './support/chaos/chaos-tally';
import { watchHealth } from './support/chaos/health-watch';
import { JobKind, type JobEffects } from './support/chaos/jobs';
import { startPrivateServers, type PrivateServers } from './support/chaos/private-servers';
import { startStream, TERMINAL_OUTCOMES, type StreamOutcome } from './support/chaos/streams';
import { insertDataRun } from './support/data-run';
import { SKILL_QNA, tarGz } from './support/tarballs';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { E2E_TINY_MODEL } from './support/tiny-model-size';

/**
 * The chaos suite: each platform process (every service, the gateway, the engine server, NATS, PostgreSQL) is killed
 * with SIGKILL while an SDG job, a training job and generation streams run. The launcher's supervisor restarts it;
 * the jobs must finish with exactly the effects of an uninterrupted run (samples per leaf, output records,
 * checkpoints, one terminal event each), every stream must end with a terminal event or a closed connection, never
 * hang, and /health must be ready again without anyone restarting anything.
 */
const MODEL = 'platform/tiny-llama';
const TARGETS = ['taxonomy', 'inference', 'sdg', 'training', 'evaluation', 'gateway', 'engine-server', 'nats', 'postgres'] as const;
type Target = (typeof TARGETS)[number];
const SKILL_LEAVES = ['compositional_skills/writing/poetry/qna.yaml', 'compositional_skills/writing/limericks/qna.yaml'];
const HYPERPARAMETERS = { phase1_num_epochs: 1, phase2_num_epochs: 2, batch_size: 4 };
const STREAMS = 2;
/** Questions per seed example: with the pipeline's one call at a time, the SDG job lasts about ten seconds. */
const NUM_INSTRUCTIONS = 4;
/** The training job's state at the kill, for the processes that act on it at one stage. */
const MOMENT: Partial<Record<Target, string>> = { training: 'skills', evaluation: 'evaluating' };

let dir: string;
let servers: PrivateServers;
let platform: TestPlatform;
let sdg: JobKind;
let training: JobKind;
let token: string;
let project: string;
let taxonomyId: string;
let trainingData: string;
const baseline: { sdg?: JobEffects; training?: JobEffects } = {};
const results: ScenarioResult[] = [];
const suiteStarted = Date.now();

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`${platform.url}/health`, { signal: AbortSignal.timeout(5000) })).status === 200;
  } catch {
    return false;
  }
}

function processOf(target: Target): SupervisedProcess {
  if (target === 'postgres') return servers.postgres;
  if (target === 'nats') return servers.nats;
  const p = platform.processes().find((x) => x.name === target);
  if (!p) throw new Error(`no process ${target}`);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'platform-chaos-'));
  chmodSync(dir, 0o755);
  servers = await startPrivateServers(dir);
  const baseModelDir = join(dir, 'base-model');
  writeTinyModel(baseModelDir, E2E_TINY_MODEL);
  platform = await startTestPlatform({
    engineModel: MODEL,
    servers,
    supervisor: servers.supervisor,
    env: {
      PLATFORM_SDG_PIPELINES_DIR: chaosPipelinesDir(dir),
      // One row per batch and one teacher call at a time: the job lasts long enough to be killed in the middle, with
      // some batches checkpointed and others not.
      PLATFORM_SDG_BATCH_SIZE: '1',
      PLATFORM_SDG_CONCURRENCY: '1',
      // A job whose worker died goes to the restarted one within seconds rather than the production half minute.
      PLATFORM_SDG_LEASE_MS: '4000',
      PLATFORM_SDG_HEARTBEAT_MS: '500',
      PLATFORM_SDG_ACK_WAIT_MS: '4000',
      PLATFORM_TRAINING_BASE_MODEL: `${baseModelDir}:${MODEL}`,
      PLATFORM_TRAINING_LEASE_MS: '4000',
      PLATFORM_TRAINING_CANCEL_POLL_MS: '500',
      PLATFORM_TRAINING_JOB_ACK_WAIT_MS: '4000',
      PLATFORM_TRAINING_EVALUATION_RETRY_MS: '1000',
      PLATFORM_EVAL_MT_BENCH_QUESTIONS: '1',
      PLATFORM_EVAL_BRANCH_QUESTIONS: '2',
      PLATFORM_EVAL_MAX_TOKENS: '16',
      PLATFORM_EVAL_JUDGE_MAX_TOKENS: '16',
      PLATFORM_MMLU_SUBJECTS: 'world_geography',
      PLATFORM_EVAL_MMLU_LIMIT: '2',
      PLATFORM_EVAL_MMLU_SHOTS: '1',
    },
  });
  token = await platform.api.newUser('chaos');
  project = await platform.api.newProject(token, 'chaos');
  sdg = new JobKind(() => platform, token, project, 'sdg');
  training = new JobKind(() => platform, token, project, 'training');
  const key = await uploadToTestBucket(
    `taxonomies/chaos-${randomBytes(4).toString('hex')}/taxonomy.tar.gz`,
    await tarGz(SKILL_LEAVES.map((leaf) => ({ name: `taxonomy/${leaf}`, content: SKILL_QNA }))),
  );
  const taxonomy = await platform.api.request<{ id: string }>('POST', `/v1/projects/${project}/taxonomies`, {
    token,
    body: { name: 'chaos-taxonomy', taxonomy_path_cos: key },
  });
  if (taxonomy.status !== 201) throw new Error(`taxonomy not created: ${taxonomy.status} ${JSON.stringify(taxonomy.body)}`);
  taxonomyId = taxonomy.body.id;
  trainingData = await insertDataRun(platform, project, { taxonomyId });
}, 300_000);

afterAll(async () => {
  if (results.length) process.stdout.write(`\n${chaosSummary(results, Date.now() - suiteStarted)}\n\n`);
  await platform?.stop();
  await servers?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('chaos: SIGKILL of each platform process during jobs and streams', () => {
  it('an uninterrupted run sets the effects every interrupted one must match', async () => {
    const started = Date.now();
    const dataId = await sdg.create({ name: 'chaos-baseline', taxonomy_id: taxonomyId, num_instructions: NUM_INSTRUCTIONS });
    const data = await sdg.settled(dataId, 240_000);
    expect(data.status, JSON.stringify(data)).toBe('completed');
    baseline.sdg = await sdg.effects(dataId, data);
    const sdgMs = Date.now() - started;
    const modelId = await training.create({ name: 'chaos-baseline', data_id: trainingData, hyperparameters: HYPERPARAMETERS });
    const model = await training.settled(modelId, 240_000);
    baseline.training = await training.effects(modelId, model);
    process.stdout.write(`[chaos] uninterrupted run: SDG job ${sdgMs} ms, training job ${Date.now() - started - sdgMs} ms\n`);
    for (const n of Object.values(baseline.sdg.samples ?? {})) expect(n).toBeGreaterThan(0);
    expect(Object.keys(baseline.sdg.samples ?? {}).sort()).toEqual([...SKILL_LEAVES].sort());
    expect(baseline.sdg.terminalEvents).toEqual(['completed']);
    expect(baseline.training.terminalEvents).toHaveLength(1);
    expect(Object.keys(baseline.training.checkpoints ?? {}).length).toBeGreaterThan(0);
  }, 600_000);

  for (const target of TARGETS) {
    it(`survives SIGKILL of ${target}`, async () => {
      expect(baseline.sdg && baseline.training, 'the uninterrupted run').toBeTruthy();
      // Training first: the training service dies in phase 2 (its phase-1 checkpoint must not be announced twice), the
      // evaluation service while it evaluates, every other process while the job trains.
      const modelId = await training.create({ name: `chaos-${target}`, data_id: trainingData, hyperparameters: HYPERPARAMETERS });
      const moment = MOMENT[target] ?? 'running';
      await training.waitFor(modelId, moment, (j) => j.status === 'running' && (moment === 'running' || j.state === moment), 120_000);
      const dataId = await sdg.create({ name: `chaos-${target}`, taxonomy_id: taxonomyId, num_instructions: NUM_INSTRUCTIONS });
      // The SDG job is past its first batch (generating through inference and the engine server), except where the
      // kill is about the start (taxonomy: the job's leaves) or the training job's stage.
      const batches = ['taxonomy', 'training', 'evaluation'].includes(target) ? 0 : 1;
      await sdg.waitFor(dataId, 'running', (j) => j.status === 'running' && (j.progress?.done ?? 0) >= batches, 60_000);
      const streams = Array.from({ length: STREAMS }, () =>
        startStream({ url: platform.url, token, projectId: project, model: MODEL, maxTokens: 1000 }),
      );
      await Promise.all(streams.map((s) => s.started));
      const atKill = { sdg: await sdg.get(dataId), training: await training.get(modelId) };
      expect(atKill.sdg?.status, 'the SDG job runs when the process dies').toBe('running');
      expect(atKill.training?.status, 'the training job runs when the process dies').toBe('running');

      const proc = processOf(target);
      const restarts = proc.restarts;
      const killedAt = Date.now();
      proc.child.kill('SIGKILL');
      const health = watchHealth(platform.url, target);

      const outcomes: StreamOutcome[] = await Promise.all(streams.map((s) => s.outcome));
      await until(`${target} restarted`, () => proc.restarts > restarts, 60_000);
      await until('/health ready', healthy, 120_000);
      const recoveryMs = Date.now() - killedAt;
      const notReady = await health.stop();
      const [data, model] = await Promise.all([sdg.settled(dataId, 300_000), training.settled(modelId, 300_000)]);
      const jobsMs = Date.now() - killedAt;
      const sdgEffects = await sdg.effects(dataId, data);
      const trainingEffects = await training.effects(modelId, model);
      const a = compareEffects(sdgEffects, baseline.sdg as JobEffects);
      const b = compareEffects(trainingEffects, baseline.training as JobEffects);
      const result: ScenarioResult = {
        target,
        survived: false,
        jobsLost: a.lost + b.lost,
        duplicates: a.duplicates + b.duplicates,
        streams: outcomes,
        atKill: `training ${atKill.training?.state || 'queued'}, sdg ${atKill.sdg?.progress?.done ?? 0}/${atKill.sdg?.progress?.total ?? '?'} batches`,
        notReady,
        recoveryMs,
        jobsMs,
      };
      result.survived = result.jobsLost === 0 && result.duplicates === 0 && outcomes.every((o) => TERMINAL_OUTCOMES.includes(o));
      results.push(result);

      expect(servers.gaveUp()).toBeUndefined();
      expect(notReady, '/health reported the process not ready while it was down').toBeDefined();
      expect(outcomes.filter((o) => !TERMINAL_OUTCOMES.includes(o))).toEqual([]);
      expect(sdgEffects).toEqual(baseline.sdg);
      expect(trainingEffects).toEqual(baseline.training);
      expect(result.survived).toBe(true);
    }, 600_000);
  }
});
