import type { FineTuningJson } from '@platform/api-types';
import type { trainingV1 } from '@platform/contracts';
import { modelMetricsView, statusName } from '../models/model-view';
import { tuningMetadata } from '../trainings/training-view';
import { customOf, referenceOf, referencesOf, tuningStatusView } from '../trainings/tuning-status';
import { fineTuningParametersView } from './fine-tuning-parameters.dto';

/** watsonx.ai's TrainingStatus.state for a job; evaluation still counts as running. */
const stateOf = (j: trainingV1.ModelJob) => statusName(j.status);

/** A job as the watsonx.ai fine-tuning resource (`metadata` / `entity`) the official SDK returns, by its kind. */
export function fineTuningView(j: trainingV1.ModelJob, publicUrl: string): FineTuningJson {
  return j.kind === '' || j.kind === 'instructlab' ? ilabFineTuningView(j, publicUrl) : tuningFineTuningView(j);
}

/** A fine tuning of {input, output} records: its resolved parameters, references, status and model asset. */
export function tuningFineTuningView(j: trainingV1.ModelJob): FineTuningJson {
  const t = j.tuning;
  const custom = customOf(j);
  const tests = referencesOf(t?.testDataReferencesJson);
  return {
    metadata: tuningMetadata(j),
    entity: {
      auto_update_model: t?.autoUpdateModel ?? false,
      parameters: fineTuningParametersView(j.baseModel, t?.settings),
      training_data_references: referencesOf(t?.trainingDataReferencesJson),
      ...(tests.length ? { test_data_references: tests } : {}),
      results_reference: referenceOf(t?.resultsReferenceJson),
      ...(custom ? { custom } : {}),
      status: tuningStatusView(j),
      ...(t?.modelAssetId ? { model_id: t.modelAssetId } : {}),
    },
  };
}

/** An InstructLab training job as a fine tuning of type ilab. */
function ilabFineTuningView(j: trainingV1.ModelJob, publicUrl: string): FineTuningJson {
  const state = stateOf(j);
  return {
    metadata: {
      id: j.id,
      name: j.name,
      ...(j.description ? { description: j.description } : {}),
      tags: j.tags,
      project_id: j.projectId,
      owner: j.createdBy,
      created_at: (j.createdAt ?? new Date(0)).toISOString(),
      modified_at: (j.modifiedAt ?? j.createdAt ?? new Date(0)).toISOString(),
    },
    entity: {
      type: 'ilab',
      auto_update_model: false,
      training_data_references: [{ id: j.dataId, type: 'container', location: { path: `data/${j.dataId}` } }],
      results_reference: { type: 'container', location: { path: `trained_models/${j.id}` } },
      status: {
        state,
        ...(j.runningAt ? { running_at: j.runningAt.toISOString() } : {}),
        ...(j.completedAt ? { completed_at: j.completedAt.toISOString() } : {}),
        ...(j.state ? { message: { level: 'info', text: `InstructLab training: ${j.state}` } } : {}),
        ...(state === 'failed'
          ? {
              failure: {
                trace: j.id,
                errors: [{ code: 'training_failed', message: j.failureReason || 'Training failed.' }],
                status_code: 500,
              },
            }
          : {}),
      },
      base_model: j.baseModel,
      taxonomy_id: j.taxonomyId,
      model_metrics: modelMetricsView(j.modelMetrics),
      href: `${publicUrl}/v1/projects/${j.projectId}/models/${j.id}`,
    },
  };
}
