import type { DataReference } from '@platform/common';

/** full and lora train the model's weights (LoRA: adapters beside them); prompt_tuning trains a soft prompt only. */
export type TuningMethod = 'full' | 'lora' | 'prompt_tuning';
export type TuningObjective = 'sft' | 'dpo';
export type TuningKind = 'fine_tuning' | 'prompt_tuning' | 'post_training';
export const TUNING_KINDS: readonly TuningKind[] = ['fine_tuning', 'prompt_tuning', 'post_training'];

/** A tuning's settings with the defaults applied (what the proto's `TuningSettings` carries). */
export interface TuningSettings {
  method: TuningMethod;
  objective: TuningObjective;
  numEpochs: number;
  learningRate: number;
  batchSize: number;
  accumulateSteps: number;
  maxInputTokens: number;
  maxOutputTokens: number;
  maxSeqLength: number;
  verbalizer: string;
  responseTemplate: string;
  initMethod: 'random' | 'text' | '';
  initText: string;
  numVirtualTokens: number;
  loraRank: number;
  loraAlpha: number;
  loraDropout: number;
  loraTargetModules: string[];
  loraMlp: boolean;
  dpoBeta: number;
  weightDecay: number;
  seed: number;
  taskId: string;
}

/** One epoch's metrics (watsonx `status.metrics[]`); iteration counts from 0 as the seed's examples do. */
export interface StoredTuningMetric {
  iteration: number;
  loss: number;
  timestamp: string;
  rewardMargin?: number;
}

/** The `tuning` column: what a tuning adds to a job row. */
export interface StoredTuning {
  settings: TuningSettings;
  /** The surface's references as the caller gave them. */
  trainingDataReferences: DataReference[];
  testDataReferences: DataReference[];
  /** As given; its location gains training, training_status, assets_path and model_request_path once written. */
  resultsReference: DataReference | null;
  custom: Record<string, unknown> | null;
  autoUpdateModel: boolean;
  metrics: StoredTuningMetric[];
  /** The /ml/v4/models asset made by auto_update_model. */
  modelAssetId: string;
  /** The uuid of the results' `assets/<uuid>/` directory, fixed at create so a resumed run writes the same place. */
  resultsAssetId: string;
  jobUuid: string;
  datasetId: string;
  validationDatasetId: string;
  /** trained_models/<id>/model/ once published. */
  resultPrefix: string;
  startModelPrefix: string;
}
