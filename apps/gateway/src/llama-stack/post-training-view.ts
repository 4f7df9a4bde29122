import { containerStoragePrefix } from '@platform/common';
import { modelJobStatusName, type trainingV1 } from '@platform/contracts';

/** The draft's job status enum. */
export type DraftJobStatus = 'scheduled' | 'running' | 'completed' | 'failed';

/**
 * queued → scheduled; pending, running and storing → running; completed; failed. The draft has no canceled: a
 * canceled job reads as failed, and its log ends with a line saying it was canceled.
 */
export function draftStatusOf(job: trainingV1.ModelJob): DraftJobStatus {
  const s = modelJobStatusName[job.status];
  if (s === 'queued') return 'scheduled';
  if (s === 'running' || s === 'completed') return s;
  return 'failed';
}

/** A path of the project's storage as /v2/asset_files links it (each segment percent-encoded). */
const assetFilesUrl = (publicUrl: string, projectId: string, relative: string) =>
  `${publicUrl}/v2/asset_files/${relative.split('/').map(encodeURIComponent).join('/')}?project_id=${encodeURIComponent(projectId)}`;

/**
 * Each epoch's checkpoint as the draft lists it: `iters` the epoch, `path` the directory the worker copied it to in
 * the project's storage (`post_training/<job_uuid>/epoch-<n>/`), readable through /v2/asset_files, and the
 * `finetuned_model` a DPO job may start from.
 */
export function checkpointsOf(job: trainingV1.ModelJob, publicUrl: string): { iters: number; path: string }[] {
  const projectId = job.projectId;
  const own = containerStoragePrefix({ projectId });
  const jobUuid = job.tuning?.jobUuid || job.id;
  return [...job.checkpoints]
    .sort((a, b) => a.epoch - b.epoch)
    .map((c) => {
      const relative = c.objectPrefix.startsWith(own) ? c.objectPrefix.slice(own.length) : `post_training/${jobUuid}/epoch-${c.epoch}/`;
      return { iters: c.epoch, path: assetFilesUrl(publicUrl, projectId, relative.endsWith('/') ? relative : `${relative}/`) };
    });
}

const iso = (d: Date | undefined) => (d ? { value: new Date(d).toISOString() } : undefined);

/** PostTrainingJobStatusResponse. */
export function jobStatusView(job: trainingV1.ModelJob, publicUrl: string) {
  const started = iso(job.runningAt);
  const completed = iso(job.completedAt);
  const scheduled = iso(job.createdAt);
  return {
    job_uuid: job.tuning?.jobUuid || job.id,
    status: draftStatusOf(job),
    ...(scheduled ? { scheduled_at: scheduled.value } : {}),
    ...(started ? { started_at: started.value } : {}),
    ...(completed ? { completed_at: completed.value } : {}),
    resources_allocated: { executor: job.executor, state: job.state || modelJobStatusName[job.status] },
    checkpoints: checkpointsOf(job, publicUrl),
  };
}

/** PostTrainingJobArtifactsResponse. */
export function jobArtifactsView(job: trainingV1.ModelJob, publicUrl: string) {
  return { job_uuid: job.tuning?.jobUuid || job.id, checkpoints: checkpointsOf(job, publicUrl) };
}

const num = (x: number) => Number(x.toPrecision(6));

/**
 * PostTrainingJobLogStream: the run log, then one line per finished epoch (loss, and for DPO the mean
 * chosen-minus-rejected reward margin), then for a canceled or failed job why it ended.
 */
export function jobLogsView(job: trainingV1.ModelJob, lines: string[]) {
  // Metrics count iterations from 0 (as the seed's watsonx examples do); epochs and checkpoints from 1.
  const metrics = (job.tuning?.metrics ?? []).map(
    (m) => `epoch ${m.iteration + 1}: loss ${num(m.loss)}${m.rewardMargin !== undefined ? ` reward_margin ${num(m.rewardMargin)}` : ''}`,
  );
  const status = modelJobStatusName[job.status];
  const end =
    status === 'canceled'
      ? [
          `job canceled${job.failureReason ? `: ${job.failureReason}` : ''} (the draft has no canceled status: /post_training/job/status says failed)`,
        ]
      : status === 'failed'
        ? [`job failed${job.failureReason ? `: ${job.failureReason}` : ''}`]
        : [];
  return { job_uuid: job.tuning?.jobUuid || job.id, log_lines: [...lines, ...metrics, ...end] };
}
