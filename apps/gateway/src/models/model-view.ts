import type { BranchMetrics, ModelJson, ModelMetricsJson } from '@platform/api-types';
import { modelJobStatusName, type trainingV1 } from '@platform/contracts';

export const statusName = (s: trainingV1.ModelJobStatus) => modelJobStatusName[s];

const branch = (b: trainingV1.BranchMetrics): BranchMetrics => ({ error_rate: b.errorRate, improvements: b.improvements, regressions: b.regressions, no_change: b.noChange });

/** The seed's `model_metrics`: the four benchmarks once evaluated, the token counts from the start. */
export function modelMetricsView(m: trainingV1.ModelMetrics | undefined): ModelMetricsJson {
  const t = m?.tokens;
  return {
    ...(m?.mmlu ? { mmlu: { overall_average: m.mmlu.overallAverage, scores: m.mmlu.scores } } : {}),
    ...(m?.mmluBranch ? { mmlu_branch: branch(m.mmluBranch) } : {}),
    ...(m?.mtBench
      ? {
          mt_bench: {
            overall_average: m.mtBench.overallAverage,
            error_rate: m.mtBench.errorRate,
            scores: { turn_one: m.mtBench.scores.turn_one ?? 0, turn_two: m.mtBench.scores.turn_two ?? 0 },
          },
        }
      : {}),
    ...(m?.mtBenchBranch ? { mt_bench_branch: branch(m.mtBenchBranch) } : {}),
    tokens: {
      training_estimated: t?.trainingEstimated ?? 0,
      training_total: t?.trainingTotal ?? 0,
      training_phases: { phase_1_knowledge: t?.trainingPhases?.phase1Knowledge ?? 0, phase_2_skills: t?.trainingPhases?.phase2Skills ?? 0 },
    },
  };
}

/** The seed's model object; the list leaves out `model_metrics` as the seed's list example does. */
export function modelView(j: trainingV1.ModelJob, publicUrl: string, full = true): ModelJson {
  const status = statusName(j.status);
  return {
    id: j.id,
    project_id: j.projectId,
    name: j.name,
    state: j.state,
    status,
    created_at: (j.createdAt ?? new Date(0)).toISOString(),
    ...(j.completedAt ? { completed_at: j.completedAt.toISOString() } : {}),
    data_id: j.dataId,
    base_model: j.baseModel,
    taxonomy_id: j.taxonomyId,
    ...(full ? { model_metrics: modelMetricsView(j.modelMetrics) } : {}),
    ...(status === 'failed' && j.failureReason ? { failure_reason: j.failureReason } : {}),
    // Beyond the seed, like the data object's progress: what `ilab model get --watch` draws while training runs.
    ...(full && status === 'running' && j.progress?.phase
      ? { progress: { phase: j.progress.phase, epoch: j.progress.epoch, epochs: j.progress.epochs, step: j.progress.step, loss: j.progress.loss, tokens_per_second: j.progress.tokensPerSecond } }
      : {}),
    href: `${publicUrl}/v1/projects/${j.projectId}/models/${j.id}`,
  };
}
