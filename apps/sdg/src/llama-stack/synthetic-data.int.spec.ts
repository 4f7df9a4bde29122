import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PlatformError, connectGrpcService } from '@platform/common';
import { evaluationV1, inferenceV1 } from '@platform/contracts';
import { judgeRating, judgedAnswer, mtBenchJudge, startOpenAiTestServer, type OpenAiTestServer } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ModelDefaults } from '../clients/model-defaults';
import {
  STARTER_MODEL,
  startEvaluationProcess,
  startInferenceProcess,
  startStarterEngine,
  type RunningProcess,
} from '../pipelines/testing/starter-stack';
import { Limiter } from '../teacher/limiter';
import { InferenceTeacher } from '../teacher/teacher-client';
import { SyntheticDataService } from './synthetic-data.service';

/**
 * The starter model cannot judge (its context is too small for the judge prompt, so every score is 0); the judge
 * that rates is a real OpenAI-compatible server answering "Rating: [[x]]" with x a pure function of the answer.
 */
const JUDGE = 'test/judge';

/** Llama Stack synthetic data generation on real processes: starter model, inference and evaluation services. */
describe('GenerateSyntheticData', () => {
  let engine: RunningProcess;
  let judge: OpenAiTestServer;
  let inference: RunningProcess;
  let evaluation: RunningProcess;
  let service: SyntheticDataService;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    const base = inject('databaseUrl');
    const database = `sdg_ls_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    engine = await startStarterEngine();
    judge = await startOpenAiTestServer([mtBenchJudge(JUDGE)]);
    inference = await startInferenceProcess([engine.url, judge.url]);
    const s3 = inject('s3');
    const suffix = randomBytes(4).toString('hex');
    evaluation = await startEvaluationProcess({
      DATABASE_URL: base.replace(/\/[^/]+$/, `/${database}`),
      NATS_URL: inject('natsUrl'),
      PLATFORM_S3_ENDPOINT: s3.endpoint,
      PLATFORM_S3_BUCKET: s3.bucket,
      PLATFORM_S3_ACCESS_KEY: s3.accessKey,
      PLATFORM_S3_SECRET_KEY: s3.secretKey,
      PLATFORM_INFERENCE_GRPC_URL: inference.url,
      PLATFORM_EVENTS_STREAM: `SDG_LS_EVENTS_${suffix}`,
      PLATFORM_EVENTS_PREFIX: `sdgls${suffix}.events`,
      PLATFORM_EVALUATION_CONSUMER: `sdg-ls-${suffix}`,
    });
    const inf = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
      url: inference.url,
      deadline: 'long',
    });
    const ev = connectGrpcService<evaluationV1.EvaluationServiceClient>('evaluation', evaluationV1.EVALUATION_SERVICE_NAME, {
      url: evaluation.url,
      deadline: 'long',
    });
    closers.push(inf.close, ev.close);
    const limiter = new Limiter(16);
    service = new SyntheticDataService(
      (projectId) => new InferenceTeacher(inf.service, projectId, limiter),
      ev.service,
      new ModelDefaults(inf.service, { teacher: STARTER_MODEL }),
    );
  }, 300_000);

  afterAll(async () => {
    for (const c of closers) c();
    await evaluation?.stop();
    await inference?.stop();
    await engine?.stop();
    await judge?.close();
  });

  const request = (filteringFunction: string, over: object = {}) => ({
    projectId: '00000000-0000-4000-8000-000000000001',
    prompts: [
      { role: 'user', content: 'What is the capital of France?' },
      { role: 'user', content: 'What colour is snow?' },
    ],
    filteringFunction,
    teacherModel: '',
    judgeModel: '',
    numGenerations: 3,
    seed: 5,
    maxTokens: 24,
    ...over,
  });

  it('answers every prompt k times and scores each answer with the judge: 0 when the judge gives no verdict', async () => {
    const all = await service.generate(request('none'));
    expect(all).toMatchObject({ generated: 6, kept: 6, teacherModel: STARTER_MODEL, judgeModel: STARTER_MODEL });
    for (const d of all.syntheticData) {
      expect(d.kScoredGenerations).toHaveLength(3);
      for (const g of d.kScoredGenerations) {
        expect(g.message?.role).toBe('assistant');
        // The starter judge's context cannot hold the judge prompt: no rating, score 0 (below the 1–10 range).
        expect(g.score).toBe(0);
      }
    }
    const best = await service.generate(request('top_k'));
    expect(best.kept).toBe(2);
    for (const d of best.syntheticData) expect(d.kScoredGenerations).toHaveLength(1);
    expect(best.syntheticData.map((d) => d.prompt?.content)).toEqual(['What is the capital of France?', 'What colour is snow?']);
  }, 300_000);

  it("keeps the generation the judge rated best, from each prompt's distinct ratings", async () => {
    // Open questions, so the teacher's three samples differ (it answers "What colour is snow?" the same way each time).
    const prompts = ['What is the capital of France?', 'Tell me about the Sun.'];
    const asked = { judgeModel: JUDGE, prompts: prompts.map((content) => ({ role: 'user', content })) };
    /** The generations the judge was asked about for each prompt since `from`, as it saw them (recorded by the server). */
    const judged = (from: number) =>
      prompts.map((q) =>
        judge.calls
          .slice(from)
          .filter((c) => c.prompt.includes(`[Question]\n${q}\n\n`))
          .map((c) => judgedAnswer(c.prompt) as string),
      );

    const from = judge.calls.length;
    const best = await service.generate(request('top_k', asked));
    expect(best).toMatchObject({ generated: 6, kept: 2, judgeModel: JUDGE });
    judged(from).forEach((candidates, i) => {
      expect(candidates).toHaveLength(3);
      const ratings = candidates.map(judgeRating);
      // Distinct ratings, so "the best" is one generation and the check below cannot pass by a tie.
      expect(new Set(ratings).size).toBe(3);
      const top = candidates[ratings.indexOf(Math.max(...ratings))];
      expect(best.syntheticData[i].kScoredGenerations.map((g) => [g.message?.content, g.score])).toEqual([[top, judgeRating(top)]]);
    });

    // top_k 2: the two best, best first, each with the score the judge gave it.
    const from2 = judge.calls.length;
    const two = await service.generate(request('top_k', { ...asked, topK: 2 }));
    judged(from2).forEach((candidates, i) => {
      const ranked = [...candidates].sort((a, b) => judgeRating(b) - judgeRating(a)).slice(0, 2);
      expect(two.syntheticData[i].kScoredGenerations.map((g) => [g.message?.content, g.score])).toEqual(
        ranked.map((c) => [c, judgeRating(c)]),
      );
    });
  }, 300_000);

  it('refuses an unknown filtering function and empty prompts with a 400', async () => {
    await expect(service.generate(request('best'))).rejects.toMatchObject({
      code: 'invalid_request',
      target: { name: 'filtering_function' },
    });
    await expect(service.generate(request('none', { prompts: [] }))).rejects.toBeInstanceOf(PlatformError);
  });
});
