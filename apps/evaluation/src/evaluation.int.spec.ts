import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import { Metadata } from '@grpc/grpc-js';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { connectGrpcService, type GrpcServiceClient } from '@platform/common';
import { evaluationV1, inferenceV1, taxonomyV1 } from '@platform/contracts';
import { defineEvents, encodeEvent, type EvaluationEvents, type EventEnvelope, type TrainingEvents } from '@platform/events';
import { writeTinyModel } from '@platform/engine/internals';
import { freePort } from '@platform/infra';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import { Client } from 'pg';
import { firstValueFrom } from 'rxjs';
import { pack } from 'tar-stream';
import {
  judgeRating,
  mtBenchJudge,
  startEngineServer,
  startOpenAiTestServer,
  startServiceProcess,
  waitFor,
  type EngineServer,
  type OpenAiTestServer,
  type ServiceProcess,
} from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadMmlu, STARTER_MMLU_DIR } from './benchmarks/mmlu/mmlu-data';
import { CHOICE_CONTINUATIONS, mmluPrompt, pickChoice } from './benchmarks/mmlu/mmlu-prompt';
import { runMcq } from './benchmarks/mmlu/run-mcq';
import { ModelClient } from './clients/model-client';
import { startEvaluationService } from './main';

const STARTER_DIR = resolve(__dirname, '../../../models/starter');
const BASE = 'platform/starter-llama';
/**
 * The starter model cannot judge (FastChat's prompts overflow its 256-token context), so the judge's success path
 * runs against a real OpenAI-compatible server whose verdicts are known in advance: "Rating: [[x]]" with x a pure
 * function of the judged answer (`judgeRating`), which the assertions recompute from the answers the service stored.
 */
const JUDGE = 'test/judge';
const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const SKILL_QNA = `version: 2
task_description: Answer capital questions
created_by: evaluation-test
seed_examples:
  - question: What is the capital of France?
    answer: The capital of France is Paris.
  - question: What is the capital of Japan?
    answer: The capital of Japan is Tokyo.
  - question: What is the capital of Italy?
    answer: The capital of Italy is Rome.
  - question: What is the capital of Kenya?
    answer: The capital of Kenya is Nairobi.
  - question: What is the capital of Norway?
    answer: The capital of Norway is Oslo.
`;

async function tarGz(entries: { name: string; content: string }[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name }, e.content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p.pipe(createGzip())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('evaluation service with real engine servers, inference, deployment, taxonomy, PostgreSQL, NATS and S3', () => {
  const tag = randomBytes(5).toString('hex');
  const prefix = `test.eval${tag}`;
  const stream = `TEST_EVAL_${tag}`;
  const projectId = randomUUID();
  let engine: EngineServer;
  let judgeServer: OpenAiTestServer;
  let inference: ServiceProcess;
  let taxonomy: ServiceProcess;
  let deployment: ServiceProcess;
  let service: Awaited<ReturnType<typeof startEvaluationService>>;
  let nc: NatsConnection;
  let store: ObjectStore;
  let inf: GrpcServiceClient<inferenceV1.InferenceServiceClient>;
  let tax: GrpcServiceClient<taxonomyV1.TaxonomyServiceClient>;
  let evaluation: GrpcServiceClient<evaluationV1.EvaluationServiceClient>;
  let taxonomyId: string;

  /**
   * Publishes an event into the stream and resolves once the service's consumer has acked it, i.e. handled it: the
   * positive signal that a duplicate was seen and skipped, where waiting a fixed time would only hope so.
   */
  async function publishHandled(subject: string, data: Uint8Array): Promise<void> {
    const { seq } = JSON.parse(new TextDecoder().decode((await nc.request(subject, data, { timeout: 5000 })).data)) as { seq: number };
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => (await jsm.consumers.info(stream, `evaluation-${tag}`)).ack_floor.stream_seq >= seq, 60_000, 50);
  }

  beforeAll(async () => {
    const baseUrl = inject('databaseUrl');
    const database = `evaluation_${tag}`;
    const admin = new Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const s3 = inject('s3');
    const [infGrpc, infOps, taxGrpc, taxOps, evalGrpc, evalOps, depGrpc, depOps] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    Object.assign(process.env, {
      DATABASE_URL: baseUrl.replace(/\/[^/]+$/, `/${database}`),
      NATS_URL: inject('natsUrl'),
      PLATFORM_S3_ENDPOINT: s3.endpoint,
      PLATFORM_S3_BUCKET: s3.bucket,
      PLATFORM_S3_ACCESS_KEY: s3.accessKey,
      PLATFORM_S3_SECRET_KEY: s3.secretKey,
      PLATFORM_INFERENCE_GRPC_URL: `127.0.0.1:${infGrpc}`,
      PLATFORM_TAXONOMY_GRPC_URL: `127.0.0.1:${taxGrpc}`,
      PLATFORM_DEPLOYMENT_GRPC_URL: `127.0.0.1:${depGrpc}`,
      PLATFORM_EVENTS_STREAM: stream,
      PLATFORM_EVENTS_PREFIX: prefix,
      PLATFORM_EVALUATION_CONSUMER: `evaluation-${tag}`,
      PLATFORM_EVAL_MT_BENCH_QUESTIONS: '2',
      PLATFORM_EVAL_MMLU_LIMIT: '3',
      PLATFORM_EVAL_MAX_TOKENS: '24',
      PLATFORM_EVAL_JUDGE_MAX_TOKENS: '24',
      PLATFORM_EVAL_BRANCH_QUESTIONS: '3',
      PLATFORM_EVAL_PHASE1: 'mmlu',
      PLATFORM_EVAL_JUDGE_MODEL: JUDGE,
      PLATFORM_ENGINE_LOG_LEVEL: 'warn',
    });
    engine = await startEngineServer({ models: [{ dir: STARTER_DIR, name: BASE }] });
    judgeServer = await startOpenAiTestServer([mtBenchJudge(JUDGE)]);
    [inference, taxonomy, deployment] = await Promise.all([
      startServiceProcess(
        'inference',
        {
          PLATFORM_INFERENCE_OPS_PORT: String(infOps),
          PLATFORM_INFERENCE_BACKENDS: JSON.stringify([{ url: engine.url }, { url: judgeServer.url }]),
          PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '200',
        },
        infOps,
      ),
      startServiceProcess(
        'taxonomy',
        { PLATFORM_TAXONOMY_OPS_PORT: String(taxOps), PLATFORM_SECRETS_KEY: randomBytes(32).toString('base64') },
        taxOps,
      ),
      // The one owner of replicas: serves each evaluated checkpoint as a temporary deployment.
      startServiceProcess(
        'deployment',
        {
          PLATFORM_DEPLOYMENT_OPS_PORT: String(depOps),
          PLATFORM_DEPLOYMENT_JOBS_STREAM: `TEST_EVAL_DEPLOY_${tag}`,
          PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX: `test.evaldeploy${tag}`,
          PLATFORM_DEPLOYMENT_JOBS_DURABLE: `eval-keepers-${tag}`,
        },
        depOps,
      ),
    ]);
    service = await startEvaluationService({ grpcUrl: `127.0.0.1:${evalGrpc}`, opsPort: evalOps });
    nc = await connect({ servers: inject('natsUrl') });
    store = createObjectStoreFromEnv();
    inf = connectGrpcService('inference', inferenceV1.INFERENCE_SERVICE_NAME, { deadline: 'long' });
    tax = connectGrpcService('taxonomy', taxonomyV1.TAXONOMY_SERVICE_NAME);
    evaluation = connectGrpcService('evaluation', evaluationV1.EVALUATION_SERVICE_NAME, { url: `127.0.0.1:${evalGrpc}`, deadline: 'long' });

    const tarKey = `taxonomies/evaluation-${tag}.tar.gz`;
    await store.put(tarKey, await tarGz([{ name: 'taxonomy/compositional_skills/geography/capitals/qna.yaml', content: SKILL_QNA }]));
    const created = await firstValueFrom(
      tax.service.createTaxonomy(
        {
          projectId,
          name: `eval-${tag}`,
          taxonomyPathCos: tarKey,
          cosBucketInformation: undefined,
          secretsManagerConfig: undefined,
          createdBy: 'test',
        },
        new Metadata(),
      ),
    );
    taxonomyId = created.taxonomy?.id ?? '';
  }, 240_000);

  afterAll(async () => {
    evaluation?.close();
    inf?.close();
    tax?.close();
    await nc?.close();
    await service?.close();
    await Promise.all([inference?.stop(), taxonomy?.stop(), deployment?.stop()]);
    await engine?.stop();
    await judgeServer?.close();
  });

  it('scores continuations with the prompt log-probabilities the engine server echoes', async () => {
    const client = new ModelClient(inf.service, projectId);
    const [task] = loadMmlu(STARTER_MMLU_DIR, { subjects: ['world_geography'], limit: 1 });
    const context = mmluPrompt(task.subject, task.fewShot, task.items[0], 0);
    const scores = await client.loglikelihoods(BASE, context, CHOICE_CONTINUATIONS);
    expect(scores).toHaveLength(4);
    for (const s of scores) expect(s).toBeLessThan(0);
    // The same sums straight from the engine server's echo: the inference path adds nothing and drops nothing.
    const direct = await Promise.all(
      CHOICE_CONTINUATIONS.map(async (c) => {
        const res = await fetch(`${engine.url}/v1/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: BASE, prompt: context + c, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 }),
        });
        const body = (await res.json()) as { choices: { logprobs: { token_logprobs: (number | null)[]; text_offset: number[] } }[] };
        const lp = body.choices[0].logprobs;
        return lp.text_offset.reduce(
          (sum, off, i) => (off >= context.length && off < (context + c).length ? sum + (lp.token_logprobs[i] ?? 0) : sum),
          0,
        );
      }),
    );
    scores.forEach((s, i) => expect(s).toBeCloseTo(direct[i], 4));
    expect(pickChoice(scores)).toBe(scores.indexOf(Math.max(...scores)));
  });

  it('answers MMLU-format questions by log-likelihood, fitting the shots into the model context', async () => {
    const client = new ModelClient(inf.service, projectId);
    const tasks = loadMmlu(STARTER_MMLU_DIR, { limit: 2 });
    const run = await runMcq(client, BASE, tasks, { shots: 5 });
    expect(run.tasks.map((t) => t.task)).toEqual(['mmlu_elementary_mathematics', 'mmlu_elementary_science', 'mmlu_world_geography']);
    expect(run.answers.filter((a) => a.error)).toEqual([]);
    const maxLen = await client.maxSequenceLength(BASE);
    expect(maxLen).toBe(256);
    for (const a of run.answers) {
      expect(a.picked).toBe(a.logprobs.indexOf(Math.max(...a.logprobs)));
      // The most shots that fit the starter model's 256-token context, and no more.
      const task = tasks.find((t) => t.name === a.task)!;
      const tokens = (shots: number) => client.countTokens(BASE, mmluPrompt(task.subject, task.fewShot, task.items[a.index], shots));
      expect(await tokens(a.shots)).toBeLessThanOrEqual(256 - 4);
      if (a.shots < 5) expect(await tokens(a.shots + 1)).toBeGreaterThan(256 - 4);
    }
    for (const t of run.tasks) expect(t.accuracy).toBe(run.answers.filter((a) => a.task === t.task && a.correct).length / 2);
  });

  it('scores rewards with the judge model, one score per generation', async () => {
    const res = await firstValueFrom(
      evaluation.service.scoreRewards(
        {
          projectId,
          model: BASE,
          promptGenerations: [
            {
              dialog: [{ role: 'user', content: 'What is the capital of France?' }],
              generations: [
                { role: 'assistant', content: 'Paris.' },
                { role: 'assistant', content: 'Rome.' },
              ],
            },
          ],
        },
        new Metadata(),
      ),
    );
    expect(res.scored).toHaveLength(1);
    // The starter judge's 256-token context cannot hold the judge prompt: no rating, score 0 (below the 1–10 range).
    expect(res.scored[0].scores).toEqual([0, 0]);
  });

  it('scores rewards with a judge that rates: the [[x]] of each generation, distinct generations kept apart', async () => {
    const generations = ['Paris.', 'The capital of France is Paris, on the Seine.', '#4 ** 17 %% ??', ''];
    const before = judgeServer.calls.length;
    const res = await firstValueFrom(
      evaluation.service.scoreRewards(
        {
          projectId,
          model: JUDGE,
          promptGenerations: [
            {
              dialog: [{ role: 'user', content: 'What is the capital of France?' }],
              generations: generations.map((content) => ({ role: 'assistant', content })),
            },
            {
              dialog: [
                { role: 'user', content: 'Name a colour.' },
                { role: 'assistant', content: 'Blue.' },
                { role: 'user', content: 'Another one?' },
              ],
              generations: [{ role: 'assistant', content: 'Green.' }],
            },
          ],
        },
        new Metadata(),
      ),
    );
    expect(res.scored.map((p) => p.scores)).toEqual([generations.map(judgeRating), [judgeRating('Green.')]]);
    expect(new Set(res.scored[0].scores).size).toBe(generations.length);
    // Prose above symbols: the ratings order the generations as the judge meant them.
    expect(res.scored[0].scores[1]).toBeGreaterThan(res.scored[0].scores[2]);
    // Every generation was judged once, with FastChat's single-answer prompt; a longer dialog as its transcript.
    const prompts = judgeServer.calls.slice(before).map((c) => c.prompt);
    expect(prompts).toHaveLength(generations.length + 1);
    expect(prompts.every((p) => p.includes("[The Start of Assistant's Answer]"))).toBe(true);
    expect(prompts.find((p) => p.includes('Green.'))).toContain('### User:\nName a colour.\n\n### Assistant:\nBlue.');
  });

  it('refuses reward scoring with a judge the inference service does not know', async () => {
    const call = firstValueFrom(
      evaluation.service.scoreRewards(
        {
          projectId,
          model: 'no/such-judge',
          promptGenerations: [{ dialog: [{ role: 'user', content: 'q' }], generations: [{ role: 'assistant', content: 'a' }] }],
        },
        new Metadata(),
      ),
    );
    await expect(call).rejects.toMatchObject({ code: 5 });
  });

  it('evaluates a trained model on training.job.trained: the best candidate, all four metrics, files in eval/, replicas withdrawn', async () => {
    const modelId = randomUUID();
    const dataId = randomUUID();
    // Two candidates whose answers read differently to the judge: a copy of the base model (prose) and, later in
    // training order, an untrained tiny model (random bytes). The copy must win on its MT-Bench average, although a
    // tie would go to the later checkpoint.
    const objectPrefix = `trained_models/${modelId}/artifacts/phase2/epoch-1/`;
    for (const f of readdirSync(STARTER_DIR).filter((n) => n !== 'README.md'))
      await store.put(objectPrefix + f, readFileSync(join(STARTER_DIR, f)));
    const gibberishPrefix = `trained_models/${modelId}/artifacts/phase2/epoch-2/`;
    const tinyDir = mkdtempSync(join(tmpdir(), 'eval-tiny-'));
    try {
      writeTinyModel(tinyDir, { maxPositionEmbeddings: 2048 });
      for (const f of readdirSync(tinyDir)) await store.put(gibberishPrefix + f, readFileSync(join(tinyDir, f)));
    } finally {
      rmSync(tinyDir, { recursive: true, force: true });
    }
    const leaf = 'knowledge/geography/capitals/qna.yaml';
    const mmlubench = `data/${dataId}/node_datasets/mmlubench_knowledge_geography_capitals.jsonl`;
    const questions = [
      {
        question: 'What is the capital of France?',
        choices: ['Berlin', 'Paris', 'Rome', 'Madrid'],
        answer: 1,
        subject: 'knowledge_geography_capitals',
      },
      {
        question: 'What is the capital of Japan?',
        choices: ['Tokyo', 'Seoul', 'Beijing', 'Delhi'],
        answer: 0,
        subject: 'knowledge_geography_capitals',
      },
    ];
    await store.put(mmlubench, Buffer.from(questions.map((q) => JSON.stringify(q)).join('\n')));
    await store.put(
      `data/${dataId}/manifest.json`,
      Buffer.from(
        JSON.stringify({
          data_id: dataId,
          taxonomy_id: taxonomyId,
          files: {},
          leaves: [{ path: leaf, kind: 'knowledge', samples: 2, mmlubench }],
        }),
      ),
    );

    const evaluationEvents = defineEvents<EvaluationEvents>({ subjectPrefix: prefix });
    const received: EventEnvelope[] = [];
    const sub = nc.subscribe(`${prefix}.evaluation.>`);
    void (async () => {
      for await (const m of sub) received.push(JSON.parse(new TextDecoder().decode(m.data)) as EventEnvelope);
    })();
    const trained = defineEvents<TrainingEvents>({ subjectPrefix: prefix }).create('training.job.trained', {
      modelId,
      projectId,
      dataId,
      taxonomyId,
      baseModel: BASE,
      candidates: [
        { phase: 2, epoch: 1, objectPrefix },
        { phase: 2, epoch: 2, objectPrefix: gibberishPrefix },
      ],
    });
    await nc.request(trained.subject, encodeEvent(trained), { timeout: 5000 });

    const deadline = Date.now() + 180_000;
    while (!received.some((e) => e.type.startsWith('evaluation.model.')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    sub.unsubscribe();
    const done = received.find((e) => e.type.startsWith('evaluation.model.'));
    expect(done?.type, JSON.stringify(done?.data)).toBe('evaluation.model.evaluated');
    if (!done || !evaluationEvents.is(done, 'evaluation.model.evaluated')) return;
    const { metrics, bestCheckpoint } = done.data;
    expect(bestCheckpoint).toEqual({ phase: 2, epoch: 1, objectPrefix });
    expect(Object.keys(metrics.mmlu.scores).sort()).toEqual([
      'mmlu_elementary_mathematics',
      'mmlu_elementary_science',
      'mmlu_world_geography',
    ]);
    expect(metrics.mmlu.overall_average).toBeGreaterThanOrEqual(0);
    // The candidate is a copy of the base model: identical log-likelihoods, so the knowledge task cannot move.
    expect(metrics.mmlu_branch).toEqual({
      improvements: {},
      regressions: {},
      no_change: { knowledge_geography_capitals: 0 },
      error_rate: 0,
    });

    const files: string[] = [];
    for await (const k of store.list(`trained_models/${modelId}/eval/`)) files.push(k.slice(`trained_models/${modelId}/eval/`.length));
    expect(files).toEqual(
      expect.arrayContaining([
        'metrics.json',
        'mmlu.json',
        'mmlu_branch.json',
        'mt_bench.json',
        'mt_bench_branch.json',
        'mt_bench/model_answer.jsonl',
        'mt_bench/model_judgment.jsonl',
        'mt_bench_branch/questions.jsonl',
      ]),
    );
    const branchQuestions = (await store.getBuffer(`trained_models/${modelId}/eval/mt_bench_branch/questions.jsonl`))
      .toString()
      .trim()
      .split('\n');
    expect(branchQuestions).toHaveLength(3);
    const jsonl = async <T>(file: string): Promise<T[]> =>
      (await store.getBuffer(`trained_models/${modelId}/eval/${file}`))
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as T);
    type Answer = { question_id: number | string; model: string; turns: string[] };
    type Judgment = { question_id: number | string; model: string; judge: string; turn: number; judgment: string; score?: number };
    /** What the test judge said of each judged turn, recomputed from the answers the service stored. */
    const expectedScores = (answers: Answer[], judgments: Judgment[]) =>
      judgments.map((j) => {
        const answer = answers.find((a) => a.question_id === j.question_id && a.model === j.model)!;
        return judgeRating(answer.turns[j.turn - 1]);
      });

    // MT-Bench on the chosen candidate: every turn rated by the judge, each [[x]] parsed, the turn scores and the
    // overall average their means.
    const answers = await jsonl<Answer>('mt_bench/model_answer.jsonl');
    const judgments = await jsonl<Judgment>('mt_bench/model_judgment.jsonl');
    expect(answers.flatMap((a) => a.turns).filter((t) => t === '$ERROR$')).toEqual([]);
    expect(judgments.map((j) => [j.turn, j.judge])).toEqual([1, 2, 1, 2].map((t) => [t, JUDGE]));
    expect(judgments.map((j) => j.judgment)).toEqual(
      expectedScores(answers, judgments).map((x) => expect.stringContaining(`Rating: [[${x}]]`)),
    );
    expect(judgments.map((j) => j.score)).toEqual(expectedScores(answers, judgments));
    const scores = expectedScores(answers, judgments);
    const turn = (n: number) => round2(mean(scores.filter((_, i) => judgments[i].turn === n)));
    expect(metrics.mt_bench).toEqual({
      error_rate: 0,
      overall_average: round2(mean(scores)),
      scores: { turn_one: turn(1), turn_two: turn(2) },
    });
    expect(metrics.mt_bench.overall_average).toBeGreaterThan(1);

    // Keep the best: each candidate's MT-Bench average was distinct, and the higher one was kept.
    const candidates = JSON.parse((await store.getBuffer(`trained_models/${modelId}/eval/candidates.json`)).toString()) as {
      chosen: { epoch: number };
      candidates: { epoch: number; mt_bench: { overall_average: number; error_rate: number } }[];
    };
    const [copy, gibberish] = candidates.candidates;
    expect([copy.epoch, gibberish.epoch]).toEqual([1, 2]);
    expect(copy.mt_bench).toEqual(metrics.mt_bench);
    expect(gibberish.mt_bench.error_rate).toBe(0);
    expect(copy.mt_bench.overall_average).toBeGreaterThan(gibberish.mt_bench.overall_average);
    expect(candidates.chosen.epoch).toBe(1);

    // MT-Bench-branch: the skill leaf's questions, base and trained each rated per qna.yaml and compared.
    const branchAnswers = await jsonl<Answer>('mt_bench_branch/model_answer.jsonl');
    const branchJudgments = await jsonl<Judgment>('mt_bench_branch/model_judgment.jsonl');
    expect(branchJudgments).toHaveLength(2 * 3);
    expect(branchJudgments.map((j) => j.score)).toEqual(expectedScores(branchAnswers, branchJudgments));
    const branchScores = expectedScores(branchAnswers, branchJudgments);
    const perModel = (model: string) => round2(mean(branchScores.filter((_, i) => branchJudgments[i].model === model)));
    const [baseScore, trainedScore] = [perModel(BASE), perModel(branchJudgments[3].model)];
    const leafFile = 'compositional_skills/geography/capitals/qna.yaml';
    const delta = round2(trainedScore - baseScore);
    expect(metrics.mt_bench_branch).toEqual({
      improvements: trainedScore > baseScore ? { [leafFile]: delta } : {},
      regressions: trainedScore < baseScore ? { [leafFile]: delta } : {},
      no_change: trainedScore === baseScore ? { [leafFile]: 0 } : {},
      error_rate: 0,
    });

    const runs = await firstValueFrom(evaluation.service.getEvaluation({ projectId, modelId }, new Metadata()));
    expect(runs.runs).toEqual([expect.objectContaining({ kind: 'model', status: 'evaluated', phase: 2, epoch: 1 })]);
    // Every checkpoint's replica (a temporary deployment) was withdrawn again.
    let models: string[] = [];
    for (let i = 0; i < 120; i++) {
      models = (await firstValueFrom(inf.service.listModels({ includeDeployments: true }, new Metadata()))).models.map((m) => m.modelId);
      if (!models.some((m) => m.startsWith('deployments/'))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(models.filter((m) => m.startsWith('deployments/'))).toEqual([]);

    // Redelivery of the same event is a no-op (inbox), a republished one finds the settled run (natural key).
    const again = defineEvents<TrainingEvents>({ subjectPrefix: prefix }).create('training.job.trained', trained.data);
    await publishHandled(again.subject, encodeEvent(again));
    const after = await firstValueFrom(evaluation.service.getEvaluation({ projectId, modelId }, new Metadata()));
    expect(after.runs).toHaveLength(1);
  }, 240_000);

  it('records phase-2 checkpoints (compared later, on training.job.trained) once per checkpoint', async () => {
    const modelId = randomUUID();
    const saved = defineEvents<TrainingEvents>({ subjectPrefix: prefix }).create('training.checkpoint.saved', {
      modelId,
      projectId,
      phase: 2,
      epoch: 3,
      objectPrefix: `trained_models/${modelId}/artifacts/phase2/epoch-3/`,
    });
    await publishHandled(saved.subject, encodeEvent(saved));
    await publishHandled(saved.subject, encodeEvent({ ...saved, id: randomUUID() }));
    const runs = (await firstValueFrom(evaluation.service.getEvaluation({ projectId, modelId }, new Metadata()))).runs;
    expect(runs).toEqual([expect.objectContaining({ kind: 'checkpoint', status: 'evaluated', phase: 2, epoch: 3, metricsJson: '{}' })]);
  });

  it('scores a phase-1 checkpoint with MMLU when configured, serving it for the length of the run', async () => {
    const modelId = randomUUID();
    const objectPrefix = `trained_models/${modelId}/artifacts/phase1/epoch-1/`;
    for (const f of readdirSync(STARTER_DIR).filter((n) => n !== 'README.md'))
      await store.put(objectPrefix + f, readFileSync(join(STARTER_DIR, f)));
    const received: EventEnvelope[] = [];
    const sub = nc.subscribe(`${prefix}.evaluation.checkpoint.evaluated`);
    void (async () => {
      for await (const m of sub) received.push(JSON.parse(new TextDecoder().decode(m.data)) as EventEnvelope);
    })();
    const saved = defineEvents<TrainingEvents>({ subjectPrefix: prefix }).create('training.checkpoint.saved', {
      modelId,
      projectId,
      phase: 1,
      epoch: 1,
      objectPrefix,
    });
    await nc.request(saved.subject, encodeEvent(saved), { timeout: 5000 });
    for (let i = 0; i < 240 && !received.some((e) => (e.data as { modelId?: string }).modelId === modelId); i++)
      await new Promise((r) => setTimeout(r, 250));
    sub.unsubscribe();
    const done = received.find((e) => (e.data as { modelId?: string }).modelId === modelId);
    const evaluationEvents = defineEvents<EvaluationEvents>({ subjectPrefix: prefix });
    expect(done && evaluationEvents.is(done, 'evaluation.checkpoint.evaluated')).toBe(true);
    if (!done || !evaluationEvents.is(done, 'evaluation.checkpoint.evaluated')) return;
    expect(done.data).toMatchObject({ phase: 1, epoch: 1, objectPrefix });
    expect(Object.keys(done.data.mmlu.scores)).toHaveLength(3);
    const file = JSON.parse((await store.getBuffer(`trained_models/${modelId}/eval/checkpoints/phase1-epoch-1-mmlu.json`)).toString()) as {
      metrics: unknown;
    };
    expect(file.metrics).toEqual(done.data.mmlu);
  }, 120_000);
});
