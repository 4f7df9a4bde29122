import { join } from 'node:path';
import { loadPipelineDefinition } from './engine/load-definition';
import { Pipeline } from './engine/pipeline';

export type PipelineName = 'knowledge' | 'freeform_skills' | 'grounded_skills' | 'mmlu_bench';

export const PIPELINE_NAMES: readonly PipelineName[] = ['knowledge', 'freeform_skills', 'grounded_skills', 'mmlu_bench'];

/** The built-in definitions; PLATFORM_SDG_PIPELINES_DIR may name a folder with the same four files instead. */
export const DEFAULT_PIPELINES_DIR = join(__dirname, 'definitions');

export function loadPipelines(dir = DEFAULT_PIPELINES_DIR): Record<PipelineName, Pipeline> {
  return Object.fromEntries(PIPELINE_NAMES.map((n) => [n, new Pipeline(loadPipelineDefinition(join(dir, `${n}.yaml`)))])) as Record<
    PipelineName,
    Pipeline
  >;
}
