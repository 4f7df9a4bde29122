import { unary } from '@platform/common';
import { taxonomyV1, type inferenceV1 } from '@platform/contracts';
import type { CheckpointRef, ModelMetrics, TrainingJobTrained } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import { loadBranchTasks, runMmluBranch } from '../benchmarks/mmlu-branch';
import { loadMmlu } from '../benchmarks/mmlu/mmlu-data';
import { mmluMetrics } from '../benchmarks/mmlu/mmlu-metrics';
import { runMcq } from '../benchmarks/mmlu/run-mcq';
import type { MtSettings } from '../benchmarks/mt-bench/answer-and-judge';
import { loadMtBench } from '../benchmarks/mt-bench/mt-bench-data';
import { runMtBench, type MtBenchRun } from '../benchmarks/mt-bench/run-mt-bench';
import { runMtBenchBranch, type SkillLeaf } from '../benchmarks/mt-bench-branch';
import { ModelClient } from '../clients/model-client';
import type { EvalSettings } from '../evaluation-settings';
import { serveCheckpoint, type ServedCheckpoint, type ServingDeps } from '../serving/served-checkpoint';
import { EvalFiles } from './eval-files';

export interface PipelineDeps extends ServingDeps {
  store: ObjectStore;
  inference: inferenceV1.InferenceServiceClient;
  taxonomy: taxonomyV1.TaxonomyServiceClient;
  settings: EvalSettings;
  /** Called between items; the consumer keeps the event's lease alive meanwhile. */
  progress(note: string): void;
}

export interface TrainedModelEvaluation {
  bestCheckpoint: CheckpointRef;
  metrics: ModelMetrics;
  files: string[];
}

interface CandidateResult {
  candidate: CheckpointRef;
  run: MtBenchRun;
}

/** Highest MT-Bench overall average; ties go to fewer errors, then to the later checkpoint (more training). */
export function better(a: CandidateResult, b: CandidateResult): boolean {
  const [x, y] = [a.run.metrics, b.run.metrics];
  if (x.overall_average !== y.overall_average) return x.overall_average > y.overall_average;
  if (x.error_rate !== y.error_rate) return x.error_rate < y.error_rate;
  return a.candidate.phase * 1e6 + a.candidate.epoch > b.candidate.phase * 1e6 + b.candidate.epoch;
}

const SKILL_KINDS = new Set([taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL, taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL]);

async function skillLeaves(deps: PipelineDeps, ev: TrainingJobTrained): Promise<SkillLeaf[]> {
  const content = await unary(deps.taxonomy.getTaxonomyContent({ projectId: ev.projectId, id: ev.taxonomyId }));
  return content.leaves.filter((l) => SKILL_KINDS.has(l.kind)).map((l) => ({ path: l.path, qnaYaml: l.qnaYaml }));
}

/** The base model as the inference service knows it, or served from the bucket when only its prefix is known. */
async function baseModel(deps: PipelineDeps, ev: TrainingJobTrained): Promise<{ modelId: string; served?: ServedCheckpoint }> {
  const models = await unary(deps.inference.listModels({}));
  if (models.models.some((m) => m.modelId === ev.baseModel) || !ev.baseModelPrefix) return { modelId: ev.baseModel };
  const served = await serveCheckpoint(deps, ev.projectId, ev.baseModelPrefix, `${ev.modelId}-base`);
  return { modelId: served.modelId, served };
}

/**
 * `training.job.trained` → MT-Bench on every phase-2 candidate, the best one kept, then MMLU, MMLU-branch and
 * MT-Bench-branch on it (the branch ones against the base model); every result file lands in the model's `eval/`.
 */
export async function evaluateTrainedModel(deps: PipelineDeps, ev: TrainingJobTrained): Promise<TrainedModelEvaluation> {
  const s = deps.settings;
  const client = new ModelClient(deps.inference, ev.projectId);
  const mt: MtSettings = {
    judgeModel: s.judgeModel ?? ev.baseModel,
    maxTokens: s.maxTokens,
    judgeMaxTokens: s.judgeMaxTokens,
    onItem: () => deps.progress('mt_bench'),
  };
  const files = new EvalFiles(deps.store, ev.modelId);
  // Inputs are read first, so a missing manifest or taxonomy fails the job before any model is served.
  const mmluTasks = loadMmlu(s.mmluDir, { subjects: s.mmluSubjects, limit: s.mmluLimit || undefined });
  const branchTasks = await loadBranchTasks(deps.store, ev.dataId);
  const leaves = await skillLeaves(deps, ev);
  const questions = loadMtBench(s.mtBenchQuestions || undefined);

  let best: (CandidateResult & { served: ServedCheckpoint }) | undefined;
  const selection: { phase: number; epoch: number; objectPrefix: string; mt_bench: MtBenchRun['metrics'] }[] = [];
  const served: ServedCheckpoint[] = [];
  try {
    for (const candidate of ev.candidates) {
      const replica = await serveCheckpoint(
        deps,
        ev.projectId,
        candidate.objectPrefix,
        `${ev.modelId}-p${candidate.phase}-e${candidate.epoch}`,
      );
      served.push(replica);
      const run = await runMtBench(client, replica.modelId, questions, mt);
      selection.push({ ...candidate, mt_bench: run.metrics });
      const result = { candidate, run, served: replica };
      if (!best || better(result, best)) {
        await best?.served.stop();
        best = result;
      } else await replica.stop();
    }
    if (!best) throw new Error('training.job.trained named no candidates');
    const trained = best.served.modelId;
    const base = await baseModel(deps, ev);
    if (base.served) served.push(base.served);

    deps.progress('mmlu');
    const mmlu = await runMcq(client, trained, mmluTasks, { shots: s.mmluShots, onItem: () => deps.progress('mmlu') });
    const mmluBranch = await runMmluBranch(client, base.modelId, trained, branchTasks, () => deps.progress('mmlu_branch'));
    const mtBranch = await runMtBenchBranch(client, base.modelId, trained, leaves, {
      ...mt,
      limit: s.branchQuestions,
      onItem: () => deps.progress('mt_bench_branch'),
    });

    const metrics: ModelMetrics = {
      mmlu: mmluMetrics(mmlu),
      mmlu_branch: mmluBranch.metrics,
      mt_bench: best.run.metrics,
      mt_bench_branch: mtBranch.metrics,
    };
    const names = { trained, base: base.modelId, judge: mt.judgeModel };
    await files.json('candidates.json', { chosen: best.candidate, by: 'mt_bench.overall_average', candidates: selection });
    await files.json('mmlu.json', { model: trained, metrics: metrics.mmlu, tasks: mmlu.tasks, shots: s.mmluShots, data: s.mmluDir });
    await files.jsonl('mmlu/answers.jsonl', mmlu.answers);
    await files.json('mmlu_branch.json', {
      models: names,
      metrics: metrics.mmlu_branch,
      base: mmluBranch.base.tasks,
      trained: mmluBranch.trained.tasks,
    });
    await files.jsonl('mmlu_branch/answers.jsonl', [
      ...mmluBranch.base.answers.map((a) => ({ model: 'base', ...a })),
      ...mmluBranch.trained.answers.map((a) => ({ model: 'trained', ...a })),
    ]);
    await files.json('mt_bench.json', { models: names, metrics: metrics.mt_bench });
    await files.jsonl('mt_bench/model_answer.jsonl', best.run.answers);
    await files.jsonl('mt_bench/model_judgment.jsonl', best.run.judgments);
    await files.json('mt_bench_branch.json', {
      models: names,
      metrics: metrics.mt_bench_branch,
      base: mtBranch.base.metrics,
      trained: mtBranch.trained.metrics,
    });
    await files.jsonl('mt_bench_branch/questions.jsonl', mtBranch.questions);
    await files.jsonl('mt_bench_branch/model_answer.jsonl', [...mtBranch.base.answers, ...mtBranch.trained.answers]);
    await files.jsonl('mt_bench_branch/model_judgment.jsonl', [...mtBranch.base.judgments, ...mtBranch.trained.judgments]);
    await files.json('metrics.json', { model_id: ev.modelId, best_checkpoint: best.candidate, model_metrics: metrics });
    return { bestCheckpoint: best.candidate, metrics, files: files.written };
  } finally {
    for (const r of served) await r.stop();
  }
}
