export * from './contract';
export { createServedModel, type ServedModelOptions } from './served-model';
export {
  loadModelDir,
  readModelWeights,
  resolveLlamaConfig,
  llamaTensorShapes,
  headDim,
  type ModelDir,
  type EngineLlamaConfig,
  type RopeScaling,
  type LoadModelOptions,
} from './model-dir';
export {
  readSafetensors,
  writeSafetensors,
  type LoadedTensor,
  type TensorToWrite,
  type StoredDtype,
  type ReadOptions,
} from './safetensors';
export {
  Tokenizer,
  ChatTemplate,
  mergeByRank,
  type ChatMessage,
  type TokenizerJson,
  type TokenizerConfigJson,
  type AddedTokenJson,
  type PairRank,
} from './tokenizer';
export { LlamaModel, type ForwardSeq, type ModelOptions } from './model';
export { enableRelaxedSimd } from './wasm-kernel';
export { verbalizePrompt, verbalizeRecord, checkVerbalizer, INPUT_SLOT, OUTPUT_SLOT, type Verbalizer } from './verbalizer';
export {
  PROMPT_TUNING_FILE,
  SOFT_PROMPT,
  TUNING_CONFIG_FILE,
  readSoftPrompt,
  readVerbalizer,
  type TuningConfigJson,
} from './tuned-model-files';
export type { Scheduler } from './scheduler';
export * as training from './training';
