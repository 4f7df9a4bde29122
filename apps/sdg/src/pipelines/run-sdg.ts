import { setMaxListeners } from 'node:events';
import { childSignal } from '@platform/common';
import { taxonomyV1 } from '@platform/contracts';
import { writeDataset, type LeafOutcome } from '../output/write-dataset';
import type { GenerationSettings } from '../sdg.config';
import { InferenceTeacher, type Teacher } from '../teacher/teacher-client';
import type { RunSdg, SdgRunContext, SdgRunResult } from './contract';
import type { Row } from './engine/row';
import { planBatches } from './execution/batch-plan';
import { LeafProgress } from './execution/leaf-progress';
import { runBatches, type BatchJob } from './execution/run-batches';
import { chunkDocument, chunkTokenBudget } from './inputs/chunking';
import { leafNodeType, type LeafNodeType } from './inputs/leaf-naming';
import { knowledgeRows, mmluRows, readSeeds, skillRows } from './inputs/seed-examples';
import { loadPipelines, type PipelineName } from './load-pipelines';

export const DEFAULT_SEED = 42;

const PIPELINE_OF: Record<LeafNodeType, PipelineName> = {
  knowledge: 'knowledge',
  freeform_skill: 'freeform_skills',
  grounded_skill: 'grounded_skills',
};

interface PreparedLeaf {
  leaf: taxonomyV1.TaxonomyLeaf;
  type: LeafNodeType;
  chunks: string[];
  main: BatchJob;
  mcq?: BatchJob;
}

/** Turns every leaf into its input rows and batch plan (documents are read and chunked here). */
async function prepare(ctx: SdgRunContext, teacher: Teacher, signal: AbortSignal, settings: GenerationSettings): Promise<PreparedLeaf[]> {
  const pipelines = loadPipelines(settings.pipelinesDir);
  const size = settings.batchSize;
  const budget = chunkTokenBudget(await teacher.contextLength(ctx.teacherModel, signal));
  const count = (text: string) => teacher.countTokens(ctx.teacherModel, text, signal);
  const leaves = [...ctx.leaves].sort((a, b) => a.path.localeCompare(b.path));
  return Promise.all(
    leaves.map(async (leaf): Promise<PreparedLeaf> => {
      const type = leafNodeType(leaf.kind);
      const seeds = readSeeds(leaf.qnaYaml, leaf.path);
      if (type !== 'knowledge') {
        return {
          leaf,
          type,
          chunks: [],
          main: { key: leaf.path, pipeline: pipelines[PIPELINE_OF[type]], batches: planBatches(skillRows(leaf.path, seeds, type), size) },
        };
      }
      const docs = [...leaf.documents].sort((a, b) => a.sourcePath.localeCompare(b.sourcePath));
      const chunks = (await Promise.all(docs.map(async (d) => chunkDocument(await ctx.readObject(d.objectKey), budget, count)))).flat();
      const rows: Row[] = knowledgeRows(leaf.path, seeds, chunks);
      return {
        leaf,
        type,
        chunks,
        main: { key: leaf.path, pipeline: pipelines.knowledge, batches: planBatches(rows, size) },
        mcq: { key: `${leaf.path}#mmlu`, pipeline: pipelines.mmlu_bench, batches: planBatches(mmluRows(leaf.path, seeds, chunks), size) },
      };
    }),
  );
}

/**
 * Runs a job's pipelines with the given teacher: every leaf's batches at once (the teacher's limiter keeps the
 * backend's queue full without flooding it), checkpointed per batch, then the InstructLab output under data/<id>/.
 */
export async function runSdgWith(ctx: SdgRunContext, teacher: Teacher, settings: GenerationSettings): Promise<SdgRunResult> {
  // One failing batch stops the others at once instead of letting them spend the teacher's time.
  const stop = childSignal(ctx.signal);
  // Every call in flight listens to the job's signal; thousands of them are expected, not a leak.
  setMaxListeners(0, stop.signal);
  const signal = stop.signal;
  try {
    ctx.progress({ stage: 'preparing', done: 0, total: 0, samples: 0 });
    const prepared = await prepare(ctx, teacher, signal, settings);
    const jobs = prepared.flatMap((p) => (p.mcq ? [p.main, p.mcq] : [p.main]));
    const total = jobs.reduce((n, j) => n + j.batches.length, 0);
    let done = 0;
    let samples = 0;
    let stage = 'generating';
    const perLeaf = new LeafProgress(
      prepared.flatMap((p) => [p.main, ...(p.mcq ? [p.mcq] : [])].map((j) => ({ leaf: p.leaf.path, batches: j.batches.length }))),
    );
    const report = () => ctx.progress({ stage, done, total, samples, leaves: perLeaf.snapshot() });
    report();
    const seed = ctx.options.seed ?? DEFAULT_SEED;
    const blockCtx = {
      teacher,
      models: { teacher: ctx.teacherModel, judge: ctx.judgeModel || ctx.teacherModel },
      signal,
      numInstructions: ctx.options.numInstructions || settings.numInstructions,
      seed,
    };
    const run = (leaf: string, job: BatchJob, countsSamples: boolean) =>
      runBatches(job, ctx.checkpoints, blockCtx, {
        finished: (rows) => {
          done++;
          if (countsSamples) samples += rows;
          perLeaf.finished(leaf, countsSamples ? rows : 0);
          report();
        },
        stage: (s) => {
          if (s !== stage) {
            stage = s;
            report();
          }
        },
      });
    let outcomes: LeafOutcome[];
    try {
      outcomes = await Promise.all(
        prepared.map(async (p) => {
          const [rows, mcqRows] = await Promise.all([
            run(p.leaf.path, p.main, true),
            p.mcq ? run(p.leaf.path, p.mcq, false) : Promise.resolve([]),
          ]);
          return { leaf: p.leaf, type: p.type, rows, chunks: p.chunks, mcqRows };
        }),
      );
    } catch (e) {
      stop.abort(e);
      throw e;
    }
    stage = 'mixing';
    report();
    const summary = await writeDataset(
      { jobId: ctx.jobId, taxonomyId: ctx.taxonomyId, write: (k, body) => ctx.writeOutput(k, body) },
      outcomes,
      seed,
      settings.systemPrompt,
    );
    const dataTokens = Object.values(summary.leafTokens).reduce((a, b) => a + b, 0);
    return {
      samples: summary.samples,
      tokens: {
        data_tokens_total: dataTokens,
        data_leaf_nodes: summary.leafTokens,
        training_estimated: summary.trainingEstimated,
        training_phases: { phase_1_knowledge: summary.phase1Tokens, phase_2_skills: summary.phase2Tokens },
      },
    };
  } finally {
    stop.dispose();
  }
}

/** The job runner's entry point: teacher and judge through the inference service, for the job's project. */
export function createRunSdg(settings: GenerationSettings): RunSdg {
  return async (ctx) => {
    const concurrency = ctx.options.concurrency || settings.concurrency;
    const { teacher, close } = InferenceTeacher.connect(ctx.projectId, concurrency, settings.modelFamily || undefined);
    try {
      return await runSdgWith(ctx, teacher, settings);
    } finally {
      close();
    }
  };
}
