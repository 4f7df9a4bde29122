import type { DataJson, DataLeafProgressJson, DataProgressJson } from '@platform/api-types';
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
    ...(j.progress ? { progress: progressView(j.progress) } : {}),
    ...(j.failureReason ? { failure_reason: j.failureReason } : {}),
    teacher_model: j.teacherModel,
    judge_model: j.judgeModel,
    href,
  };
}

function progressView(p: sdgV1.DataJobProgress): DataProgressJson {
  const leaves = p.leaves.map(leafProgressView);
  return { stage: p.stage, done: p.done, total: p.total, samples: p.samples, ...(leaves.length ? { leaves } : {}) };
}

/** One leaf's progress as GET /v1/data/{id} and the public `sdg.job.progress` event both show it. */
export function leafProgressView(l: sdgV1.DataLeafProgress): DataLeafProgressJson {
  return { leaf: l.leaf, batches_done: l.batchesDone, batches_total: l.batchesTotal, samples: l.samples };
}
