/** Building blocks for benchmarks and other packages' tests; not part of the engine's stable API. */
export { Arena } from './arena';
export { MatmulPool } from './parallel';
export { writeRandomModel } from './testing/random-model';
export {
  writeTinyModel,
  type TinyModelOptions,
  EOS as TINY_MODEL_EOS,
  EOS_ID as TINY_MODEL_EOS_ID,
  BOS_ID as TINY_MODEL_BOS_ID,
} from './testing/tiny-model';
export { StepProfile } from './step-profile';
export { buildWasmModuleBytes, enableRelaxedSimd, relaxedSimd } from './wasm-kernel';
export { wasmMatmul, wasmMatmulPanel } from './wasm-matmul';
export { packPanel } from './panel-layout';
