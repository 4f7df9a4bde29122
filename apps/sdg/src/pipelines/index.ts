export { createRunSdg, runSdgWith } from './run-sdg';
export type { CheckpointStore, RunSdg, SdgProgress, SdgRunContext, SdgRunResult } from './contract';
