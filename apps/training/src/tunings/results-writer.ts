import type { ObjectStore } from '@platform/object-store';
import { copyPrefix } from '../artifacts/object-dirs';
import type { ModelJobEntity } from '../model-job.entity';
import { baseModelLabel } from '../training-config';
import { modelAssetType, TUNED_SOFTWARE_SPEC } from './model-assets-client';
import type { StoredTuning } from './stored-tuning';
import { rowContainer } from './tuning-container';
import { resultsDir } from './tunings.service';

/** The seed's `results_reference.location` once the results are written (paths as the caller's, joined with the id). */
export function resultsLocation(job: Pick<ModelJobEntity, 'id'>, t: Pick<StoredTuning, 'resultsReference' | 'resultsAssetId'>) {
  const path = String(t.resultsReference?.location?.path ?? '').replace(/\/+$/, '');
  const training = `${path}/${job.id}`;
  return {
    training,
    training_status: `${training}/training-status.json`,
    assets_path: `${training}/assets`,
    model_request_path: `${training}/assets/${t.resultsAssetId}/resources/wml_model/request.json`,
  };
}

/**
 * Writes a finished tuning's results into the container's storage as the seed lays them out:
 * `<path>/<id>/assets/<uuid>/model/` (the tuned model), `…/resources/wml_model/request.json` (the /ml/v4/models body
 * for the result) and `<path>/<id>/training-status.json`. Everything is first written under `<path>/.tmp-<id>/`, then
 * copied into place with training-status.json last and the temporary copy removed: a reader that finds
 * training-status.json finds the rest complete. A failure removes the temporary copy; a resumed run (the job is still
 * storing) writes it all again.
 */
export async function writeResults(store: ObjectStore, job: ModelJobEntity, t: StoredTuning): Promise<StoredTuning['resultsReference']> {
  const ref = t.resultsReference;
  if (!ref) return null;
  const container = rowContainer(job);
  const dir = resultsDir(container, ref);
  const tmp = `${dir}.tmp-${job.id}/`;
  const final = `${dir}${job.id}/`;
  const asset = `assets/${t.resultsAssetId}/`;
  const location = resultsLocation(job, t);
  await store.deletePrefix(tmp);
  try {
    await stageResults(store, job, t, tmp, final, asset);
  } finally {
    await store.deletePrefix(tmp).catch(() => undefined);
  }
  return { ...ref, location: { ...ref.location, ...location } };
}

async function stageResults(
  store: ObjectStore,
  job: ModelJobEntity,
  t: StoredTuning,
  tmp: string,
  final: string,
  asset: string,
): Promise<void> {
  const ref = t.resultsReference!;
  const location = resultsLocation(job, t);
  await copyPrefix(store, t.resultPrefix, `${tmp}${asset}model/`);
  const request = {
    name: job.name,
    description: job.description,
    tags: job.tags,
    type: modelAssetType(job),
    software_spec: { name: TUNED_SOFTWARE_SPEC },
    training: { id: job.id, base_model: { model_id: baseModelLabel(job.baseModel) }, task_id: t.settings.taskId || undefined },
    content_location: { type: ref.type, location: { path: `${location.assets_path}/${t.resultsAssetId}/model` } },
    ...(job.projectId ? { project_id: job.projectId } : { space_id: job.spaceId }),
  };
  await store.put(`${tmp}${asset}resources/wml_model/request.json`, Buffer.from(JSON.stringify(request, null, 2)), 'application/json');
  const status = {
    id: job.id,
    kind: job.kind,
    state: 'completed',
    running_at: job.runningAt?.toISOString(),
    completed_at: new Date().toISOString(),
    metrics: t.metrics.map((m) => ({
      iteration: m.iteration,
      ml_metrics: { loss: m.loss, ...(m.rewardMargin !== undefined ? { reward_margin: m.rewardMargin } : {}) },
      timestamp: m.timestamp,
    })),
    message: { level: 'info', text: `Training job ${job.id} completed` },
  };
  await store.put(`${tmp}training-status.json`, Buffer.from(JSON.stringify(status, null, 2)), 'application/json');
  // Into place: every file but the status, then the status, then the temporary copy goes.
  await store.deletePrefix(final);
  await copyPrefix(store, `${tmp}${asset}`, `${final}${asset}`);
  await store.put(`${final}training-status.json`, await store.getBuffer(`${tmp}training-status.json`, 1 << 20), 'application/json');
}
