import type { DataJson } from '@platform/api-types';
import { dataJobStatusName, type sdgV1 } from '@platform/contracts';

/**
 * The seed's data object. The list omits data_metrics as the seed's list example does; progress, failure reason
 * and the models are additions the console and CLI read.
 */
export function dataView(j: sdgV1.DataJob, publicUrl: string, full = true): DataJson {
  const base = {
    id: j.id,
    project_id: j.projectId,
    name: j.name,
    state: j.state,
    status: dataJobStatusName[j.status],
    created_at: (j.createdAt ?? new Date(0)).toISOString(),
    ...(j.completedAt ? { completed_at: j.completedAt.toISOString() } : {}),
    taxonomy_id: j.taxonomyId,
  };
  const href = `${publicUrl}/v1/projects/${j.projectId}/data/${j.id}`;
  if (!full) return { ...base, href };
  const t = j.dataMetrics?.tokens;
  return {
    ...base,
    data_metrics: {
      samples: j.dataMetrics?.samples ?? {},
      ...(t
        ? {
            tokens: {
              data_tokens_total: t.dataTokensTotal,
              data_leaf_nodes: t.dataLeafNodes,
              training_estimated: t.trainingEstimated,
              training_phases: {
                phase_1_knowledge: t.trainingPhases?.phase1Knowledge ?? 0,
                phase_2_skills: t.trainingPhases?.phase2Skills ?? 0,
              },
            },
          }
        : {}),
    },
    ...(j.progress
      ? { progress: { stage: j.progress.stage, done: j.progress.done, total: j.progress.total, samples: j.progress.samples } }
      : {}),
    ...(j.failureReason ? { failure_reason: j.failureReason } : {}),
    teacher_model: j.teacherModel,
    judge_model: j.judgeModel,
    href,
  };
}
