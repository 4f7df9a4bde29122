/** The training side of the engine: fine-tuning (full, LoRA, prompt tuning) and from-scratch training on CPU. */
export {
  train,
  evaluateLoss,
  type TrainOptions,
  type TrainResult,
  type StepMetrics,
  type EvaluateOptions,
  type TrainingObjective,
} from './trainer';
export { evaluatePreferences, dpoLoss, type PreferenceEvaluation, type ReferenceLogProbs } from './dpo';
export {
  parsePreferenceJsonl,
  readPreferenceJsonl,
  validatePreferenceRecord,
  buildPreferenceDataset,
  type PreferenceRecord,
  type PreferenceRole,
} from './preference-data';
export { type TrainingMode } from './modes';
export {
  parseInstructLabJsonl,
  readInstructLabJsonl,
  validateRecord,
  parseTrainingJsonl,
  readTrainingJsonl,
  validateTrainingRecord,
  isInputOutputRecord,
  type InputOutputRecord,
  type TrainingRecord,
  tokenizeRecord,
  buildDataset,
  epochBatches,
  renderFallback,
  type InstructLabRecord,
  type InstructLabRole,
  type TrainingTokenizer,
} from './data';
export {
  loadTrainingModel,
  saveCheckpoint,
  readTrainerState,
  PROMPT_TUNING_FILE,
  TUNING_CONFIG_FILE,
  TRAINER_STATE_FILE,
  type TuningConfigJson,
  type TrainerState,
} from './checkpoint';
export { createModelDir, SIMPLE_CHAT_TEMPLATE, EOS_TOKEN, type NewModelOptions } from './init-model';
export { trainByteLevelBpe, type BpeTrainOptions } from './bpe-trainer';
export { forwardBackward, lastLogits, type TrainSequence, type LossResult, type ForwardBackwardOptions } from './forward-backward';
export { AdamW, clipScale } from './optimizer';
export { warmupCosineLr } from './schedule';
export { createRng } from './tensor';
export { trainingFlops } from './flops';
export { measureKernelPeak, PEAK_SHAPE, type KernelPeak } from './kernel-peak';
