import { rng } from '../pipelines/engine/row';
import type { InstructLabRecord } from './records';

/** `{datasets:[{path, sampling_size}], metadata:{sys_prompt}}`; an integer size is a row count, a float a fraction. */
export interface Recipe {
  /** fraction: sampling_size is a share of the rows (1.0 = all), else an exact count. */
  datasets: { path: string; sampling_size: number; fraction?: boolean }[];
  metadata: { sys_prompt: string };
}

/** InstructLab samples every skill leaf to exactly this many rows in the skills mix (with replacement). */
export const SKILL_SAMPLES_PER_LEAF = 30;

/** Written by hand because a YAML library prints 1.0 as 1, and 1.0 ("all rows") is not 1 ("one row"). */
export function recipeYaml(recipe: Recipe): string {
  const lines = recipe.datasets.length ? ['datasets:'] : ['datasets: []'];
  for (const d of recipe.datasets)
    lines.push(
      `  - path: ${JSON.stringify(d.path)}`,
      `    sampling_size: ${Number.isInteger(d.sampling_size) && !d.fraction ? d.sampling_size : d.sampling_size.toFixed(1)}`,
    );
  lines.push('metadata:', `  sys_prompt: ${JSON.stringify(recipe.metadata.sys_prompt)}`);
  return `${lines.join('\n')}\n`;
}

export interface RecipeEntry {
  path: string;
  /** 'all' keeps every row (sampling_size 1.0); a number samples exactly that many with replacement. */
  size: 'all' | number;
  records: InstructLabRecord[];
}

/** What Recipe.save_mixed_dataset does: sample each dataset, force the system prompt, drop empty turns. */
export function mixRecords(entries: RecipeEntry[], sysPrompt: string, seed: number): InstructLabRecord[] {
  const out: InstructLabRecord[] = [];
  for (const e of entries) {
    let picked = e.records;
    if (e.size !== 'all' && e.records.length > 0) {
      const random = rng(seed ^ hashPath(e.path));
      picked = Array.from({ length: e.size }, () => e.records[Math.floor(random() * e.records.length)]);
    }
    for (const r of picked) {
      const rest = r.messages.filter((m) => m.role !== 'system');
      if (rest.some((m) => m.content.trim() === '')) continue;
      out.push({ ...r, messages: [{ role: 'system', content: sysPrompt }, ...rest] });
    }
  }
  return out;
}

function hashPath(path: string): number {
  let h = 2166136261;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function recipeOf(entries: RecipeEntry[], sysPrompt: string): Recipe {
  return {
    datasets: entries.map((e) =>
      e.size === 'all' ? { path: e.path, sampling_size: 1, fraction: true } : { path: e.path, sampling_size: e.size },
    ),
    metadata: { sys_prompt: sysPrompt },
  };
}
