import type { TrainingJson } from '@platform/api-types';
import type { trainingV1 } from '@platform/contracts';
import { resourceMetadata } from '../deployments/resource-metadata';
import { customOf, referenceOf, referencesOf, tuningStatusView } from './tuning-status';

/** A job's common metadata: the container it is in, the name and tags, who created it and when. */
export function tuningMetadata(j: trainingV1.ModelJob) {
  return resourceMetadata({
    id: j.id,
    projectId: j.projectId,
    spaceId: j.spaceId,
    name: j.name,
    description: j.description,
    tags: j.tags,
    owner: j.createdBy,
    createdAt: j.createdAt,
    modifiedAt: j.modifiedAt ?? j.createdAt,
  });
}

/** A prompt tuning job as the seed's and the SDK's TrainingResource. */
export function trainingView(j: trainingV1.ModelJob): TrainingJson {
  const t = j.tuning;
  const s = t?.settings;
  const custom = customOf(j);
  return {
    metadata: tuningMetadata(j),
    entity: {
      prompt_tuning: {
        base_model: { model_id: j.baseModel },
        ...(s?.taskId ? { task_id: s.taskId } : {}),
        tuning_type: 'prompt_tuning',
        num_epochs: s?.numEpochs ?? 0,
        learning_rate: s?.learningRate ?? 0,
        accumulate_steps: s?.accumulateSteps ?? 0,
        batch_size: s?.batchSize ?? 0,
        max_input_tokens: s?.maxInputTokens ?? 0,
        max_output_tokens: s?.maxOutputTokens ?? 0,
        init_method: s?.initMethod || 'random',
        ...(s?.initText ? { init_text: s.initText } : {}),
        verbalizer: s?.verbalizer ?? '',
      },
      training_data_references: referencesOf(t?.trainingDataReferencesJson),
      auto_update_model: t?.autoUpdateModel ?? false,
      results_reference: referenceOf(t?.resultsReferenceJson),
      ...(custom ? { custom } : {}),
      status: tuningStatusView(j),
      ...(t?.modelAssetId ? { model_id: t.modelAssetId } : {}),
    },
  };
}
