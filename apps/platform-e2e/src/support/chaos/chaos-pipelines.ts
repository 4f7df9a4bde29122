import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@platform/launcher';

const BUILT_IN = join(WORKSPACE_ROOT, 'apps/sdg/src/pipelines/definitions');

/**
 * A PLATFORM_SDG_PIPELINES_DIR for the chaos suite: the built-in definitions, with the skills pipeline replaced by
 * one sized for the tiny model (the suite's taxonomy has skill leaves only).
 */
export function chaosPipelinesDir(under: string): string {
  const dir = join(under, 'sdg-pipelines');
  mkdirSync(dir, { recursive: true });
  for (const name of ['knowledge', 'grounded_skills', 'mmlu_bench'])
    copyFileSync(join(BUILT_IN, `${name}.yaml`), join(dir, `${name}.yaml`));
  copyFileSync(join(__dirname, 'freeform_skills.yaml'), join(dir, 'freeform_skills.yaml'));
  return dir;
}
