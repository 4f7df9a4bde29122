import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { connectGrpcService } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { S3ObjectStore } from '@platform/object-store';
import { training } from '@platform/engine';
import { metricSum, scrapeMetric, startOpenAiTestServer, waitFor, type OpenAiTestServer } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InferenceTeacher } from '../teacher/teacher-client';
import { Limiter } from '../teacher/limiter';
import type { SdgProgress, SdgRunContext } from './contract';
import { defaultSdgConfig } from '../sdg.config';
import { createRunSdg, runSdgWith } from './run-sdg';
import { MemoryCheckpoints } from './testing/memory-checkpoints';
import { SUN_DOCUMENT, sampleLeaves } from './testing/sample-taxonomy';
import { STARTER_MODEL, startInferenceProcess, startStarterEngine, type RunningProcess } from './testing/starter-stack';
import { judgeApproves, judgedQuestion, verdictJudge } from './testing/verdict-judge';

/** The starter model cannot judge (it names no verdict, so nothing is vetoed); this one does, predictably. */
const JUDGE = 'test/sdg-judge';

/** The whole generation on the REAL starter model: engine server process + inference service process + S3. */
describe('runSdg on the starter model', () => {
  const defaults = defaultSdgConfig().generation;
  let engine: RunningProcess;
  let judge: OpenAiTestServer;
  let inference: RunningProcess;
  let store: S3ObjectStore;
  const prefix = `sdg-int-${randomBytes(4).toString('hex')}/`;
  const docKey = `${prefix}taxonomies/t1/documents/knowledge/science/astronomy/sun/sun.md`;

  beforeAll(async () => {
    const s3 = inject('s3');
    store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
    await store.put(docKey, Buffer.from(SUN_DOCUMENT));
    engine = await startStarterEngine();
    judge = await startOpenAiTestServer([verdictJudge(JUDGE)]);
    inference = await startInferenceProcess([engine.url, judge.url]);
    process.env.PLATFORM_INFERENCE_GRPC_URL = inference.url;
  }, 300_000);

  afterAll(async () => {
    await inference?.stop();
    await engine?.stop();
    await judge?.close();
    delete process.env.PLATFORM_INFERENCE_GRPC_URL;
  });

  function context(
    jobId: string,
    checkpoints: MemoryCheckpoints,
    progress: SdgProgress[],
    signal = new AbortController().signal,
  ): SdgRunContext {
    return {
      jobId,
      projectId: '00000000-0000-4000-8000-000000000001',
      taxonomyId: 't1',
      leaves: sampleLeaves(docKey),
      readObject: async (key) => (await store.getBuffer(key)).toString('utf8'),
      writeOutput: (rel, body) => store.put(`${prefix}data/${jobId}/${rel}`, Buffer.from(body)),
      teacherModel: STARTER_MODEL,
      judgeModel: STARTER_MODEL,
      checkpoints,
      progress: (p) => progress.push(p),
      signal,
      options: { numInstructions: 3, seed: 7, concurrency: 16 },
    };
  }

  /** Requests the engine ended because their caller went away. */
  const abortedAtEngine = () => scrapeMetric(engine.url, 'vllm:request_success_total', { finished_reason: 'abort' });

  /** Requests the engine has taken so far: those it finished, for any reason, and those it holds now. */
  const startedAtEngine = async () => {
    const metrics = await (await fetch(`${engine.url}/metrics`)).text();
    return ['vllm:request_success_total', 'vllm:num_requests_running', 'vllm:num_requests_waiting'].reduce(
      (n, name) => n + metricSum(metrics, name),
      0,
    );
  };

  const read = async (jobId: string, rel: string) => (await store.getBuffer(`${prefix}data/${jobId}/${rel}`)).toString('utf8');
  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

  it('writes non-empty phase-1 and phase-2 training files, recipes, MMLU data and the manifest', async () => {
    const progress: SdgProgress[] = [];
    const checkpoints = new MemoryCheckpoints();
    const result = await createRunSdg(defaults)(context('job-a', checkpoints, progress));

    const knowledge = training.parseInstructLabJsonl(await read('job-a', 'knowledge_train_msgs.jsonl'));
    const skills = training.parseInstructLabJsonl(await read('job-a', 'skills_train_msgs.jsonl'));
    expect(knowledge.length).toBeGreaterThan(0);
    expect(skills.length).toBeGreaterThan(0);
    for (const r of [...knowledge, ...skills]) {
      expect(r).toEqual({ id: expect.any(String), messages: expect.any(Array), metadata: expect.any(String), unmask: expect.any(Boolean) });
      expect(r.messages[0].role).toBe('system');
      expect(r.messages.at(-1)?.role).toBe('assistant');
      expect(r.messages.every((m) => m.content.trim() !== '')).toBe(true);
      JSON.parse(r.metadata as string);
    }
    expect(knowledge.every((r) => r.unmask === true)).toBe(true);
    // Every skill leaf with data is sampled to exactly 30 rows; the knowledge leaf adds its p10 rows.
    const skillLeaves = Object.entries(result.samples).filter(([path, n]) => path.startsWith('compositional_skills/') && n > 0).length;
    expect(skillLeaves).toBeGreaterThan(0);
    expect(skills.filter((r) => !r.messages[1].content.startsWith('Document:') && r.unmask === false).length).toBe(30 * skillLeaves);

    const manifest = JSON.parse(await read('job-a', 'manifest.json')) as {
      data_id: string;
      files: Record<string, string>;
      leaves: { path: string; samples: number; mmlubench: string | null }[];
    };
    expect(manifest.data_id).toBe('job-a');
    expect(manifest.files.knowledge_train).toBe('data/job-a/knowledge_train_msgs.jsonl');
    expect(manifest.leaves.map((l) => l.path).sort()).toEqual(
      sampleLeaves(docKey)
        .map((l) => l.path)
        .sort(),
    );
    expect(await read('job-a', 'knowledge_recipe.yaml')).toContain('node_datasets/knowledge_science_astronomy_sun_p07.jsonl');
    expect(lines(await read('job-a', 'node_datasets/knowledge_science_astronomy_sun_p10.jsonl')).length).toBeGreaterThan(0);
    // The knowledge leaf always has its benchmark: its six seed Q&A (distinct answers) become items whatever the
    // teacher writes, with the other seed answers as the wrong options.
    const sun = manifest.leaves.find((l) => l.path.startsWith('knowledge/'));
    expect(sun?.mmlubench).toBe('data/job-a/node_datasets/mmlubench_knowledge_science_astronomy_sun.jsonl');
    const items = lines((await store.getBuffer(`${prefix}${sun?.mmlubench}`)).toString('utf8')).map(
      (l) => JSON.parse(l) as { question: string; choices: string[]; answer: number; subject: string },
    );
    expect(items.map((i) => i.question)).toEqual(
      expect.arrayContaining([
        'What is the Sun?',
        'What is at the centre of the solar system?',
        'Is the Sun a star?',
        'How long does sunlight take to reach Earth?',
        'What does the Sun give us?',
        'How old is the Sun?',
      ]),
    );
    for (const item of items) {
      expect(item.choices).toHaveLength(4);
      expect(new Set(item.choices).size).toBe(4);
      expect(item.answer).toBeGreaterThanOrEqual(0);
      expect(item.answer).toBeLessThan(4);
      expect(item.subject).toBe('knowledge_science_astronomy_sun');
    }
    const age = items.find((i) => i.question === 'How old is the Sun?');
    expect(age?.choices[age.answer]).toBe('The Sun is about 4.6 billion years old.');

    expect(result.samples['knowledge/science/astronomy/sun/qna.yaml']).toBeGreaterThan(0);
    expect(Object.keys(result.samples).sort()).toEqual(
      sampleLeaves(docKey)
        .map((l) => l.path)
        .sort(),
    );
    expect(result.tokens.training_phases.phase_1_knowledge).toBeGreaterThan(0);
    expect(result.tokens.training_phases.phase_2_skills).toBeGreaterThan(0);
    expect(result.tokens.data_tokens_total).toBeGreaterThan(0);
    expect(Object.values(result.tokens.data_leaf_nodes).reduce((a, b) => a + b, 0)).toBe(result.tokens.data_tokens_total);
    expect(Object.keys(result.tokens.data_leaf_nodes).sort()).toEqual(Object.keys(result.samples).sort());
    expect(progress.every((p) => /^[a-z]*$/.test(p.stage))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ stage: 'mixing' });
    const last = progress.filter((p) => p.stage !== 'mixing').at(-1)!;
    expect(last.done).toBe(last.total);
    // Per leaf: every batch done, together the job's batches, and each leaf's samples as the result counts them.
    expect(last.leaves?.map((l) => l.leaf).sort()).toEqual(Object.keys(result.samples).sort());
    expect(last.leaves?.reduce((n, l) => n + l.batchesTotal, 0)).toBe(last.total);
    for (const l of last.leaves ?? []) expect(l, l.leaf).toMatchObject({ batchesDone: l.batchesTotal, samples: result.samples[l.leaf] });
    // Each batch was saved exactly once.
    expect(new Set(checkpoints.saves.map((s) => `${s.leaf}#${s.batch}`)).size).toBe(checkpoints.saves.length);
  }, 600_000);

  it("keeps exactly what a judge with verdicts passes: refused questions are filtered out of every leaf's rows", async () => {
    const from = judge.calls.length;
    const checkpoints = new MemoryCheckpoints();
    await createRunSdg(defaults)({ ...context('job-c', checkpoints, []), judgeModel: JUDGE });
    const judged = [...new Set(judge.calls.slice(from).map((c) => judgedQuestion(c.prompt)))];
    expect(judged).not.toContain(undefined);
    const approved = (judged as string[]).filter(judgeApproves);
    const refused = (judged as string[]).filter((q) => !judgeApproves(q));
    // Both verdicts were given, so the filters had something to keep and something to drop.
    expect(approved.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    // Every judging block saw a verdict it could parse (the explanation columns hold the judge's own words).
    const kept: { question: string; explanations: string[] }[] = [];
    for (const leaf of sampleLeaves(docKey))
      for (const rows of (await checkpoints.load(leaf.path)).values())
        for (const row of rows as Record<string, unknown>[])
          kept.push({
            question: String(row.question),
            explanations: Object.entries(row)
              .filter(([k]) => k.endsWith('_explanation') || k.endsWith('_feedback'))
              .map(([, v]) => String(v)),
          });
    expect(kept.length).toBeGreaterThan(0);
    // A kept row's question is one the judge approved (grounded skills prefix it with its context); none it refused.
    const judgedAs = (question: string) => (judged as string[]).filter((q) => question === q || question.endsWith(`\n\n${q}`));
    for (const row of kept) {
      expect(judgedAs(row.question), row.question).not.toEqual([]);
      expect(judgedAs(row.question).every(judgeApproves), row.question).toBe(true);
      expect(row.explanations.length, row.question).toBeGreaterThan(0);
      expect(
        row.explanations.every((e) => e === 'The question and its answer were read with care.'),
        row.question,
      ).toBe(true);
    }
    for (const q of refused) expect(kept.filter((row) => judgedAs(row.question).includes(q))).toEqual([]);
  }, 600_000);

  it('resumes: a stopped job keeps its finished batches and a rerun only runs the rest, without duplicates', async () => {
    const checkpoints = new MemoryCheckpoints();
    const stop = new AbortController();
    const client = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
      url: inference.url,
      deadline: 'long',
    });
    const teacher = new InferenceTeacher(client.service, '00000000-0000-4000-8000-000000000001', new Limiter(4));
    const original = checkpoints.save.bind(checkpoints);
    let startedAtStop = NaN;
    checkpoints.save = async (leaf, batch, rows) => {
      await original(leaf, batch, rows);
      if (checkpoints.saves.length === 2) {
        startedAtStop = await startedAtEngine();
        stop.abort(new Error('worker stopped'));
      }
    };
    await expect(runSdgWith(context('job-b', checkpoints, [], stop.signal), teacher, defaults)).rejects.toThrow('worker stopped');
    // Aborting stops the job's work rather than letting it drain, counted at the engine instead of timed: once it is
    // idle, it has taken no request beyond those the teacher's limiter (4) had in flight when the job stopped.
    const gauge = (metrics: string, name: string) =>
      Number(/\s(\S+)$/.exec(metrics.split('\n').find((l) => l.startsWith(`${name}{`)) ?? ' NaN')![1]);
    await waitFor(async () => {
      const metrics = await (await fetch(`${engine.url}/metrics`)).text();
      return gauge(metrics, 'vllm:num_requests_running') === 0 && gauge(metrics, 'vllm:num_requests_waiting') === 0;
    }, 60_000);
    expect((await startedAtEngine()) - startedAtStop).toBeLessThanOrEqual(4);
    const kept = checkpoints.batches();
    expect(kept).toBeGreaterThanOrEqual(2);

    checkpoints.save = original;
    const before = checkpoints.saves.length;
    const progress: SdgProgress[] = [];
    const result = await runSdgWith(context('job-b', checkpoints, progress), teacher, defaults);
    client.close();
    const resumed = checkpoints.saves.slice(before);
    const total = progress.find((p) => p.stage === 'generating')!.total;
    // Only the batches not finished before ran again, and each was saved once.
    expect(resumed.length).toBe(total - kept);
    expect(new Set(checkpoints.saves.map((s) => `${s.leaf}#${s.batch}`)).size).toBe(checkpoints.saves.length);
    const rowsInCheckpoints = (
      await Promise.all(
        sampleLeaves(docKey).map(async (l) => [...(await checkpoints.load(l.path)).values()].reduce((n, r) => n + r.length, 0)),
      )
    ).reduce((a, b) => a + b, 0);
    expect(Object.values(result.samples).reduce((a, b) => a + b, 0)).toBe(rowsInCheckpoints);
  }, 600_000);

  it('cancelling a teacher call cancels the generation at the engine', async () => {
    const before = await abortedAtEngine();
    const client = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
      url: inference.url,
      deadline: 'long',
    });
    const teacher = new InferenceTeacher(client.service, '', new Limiter(64));
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    const calls = Array.from({ length: 32 }, (_, i) =>
      teacher
        .complete(
          {
            model: STARTER_MODEL,
            system: '',
            user: `Tell me about the Sun, part ${i}.`,
            prefill: '[Question]\n',
            maxTokens: 256,
            temperature: 0.9,
            seed: i,
          },
          stop.signal,
        )
        .then(
          () => 'done',
          (e: Error) => e.message,
        ),
    );
    // Cancel once generations are running at the engine (a fixed delay races with a loaded machine).
    const runningAtEngine = async () =>
      Number(/vllm:num_requests_running\{[^}]*\} (\S+)/.exec(await (await fetch(`${engine.url}/metrics`)).text())?.[1] ?? 0);
    await waitFor(async () => (await runningAtEngine()) > 0, 60_000);
    stop.abort(new Error('canceled'));
    const outcomes = await Promise.all(calls);
    client.close();
    expect(outcomes.filter((o) => o === 'canceled').length).toBeGreaterThan(0);
    await waitFor(async () => (await abortedAtEngine()) > before, 60_000);
  });
});
