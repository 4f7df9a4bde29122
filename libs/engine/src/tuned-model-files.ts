import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors } from './safetensors';
import { checkVerbalizer, type Verbalizer } from './verbalizer';

/**
 * What the trainer writes beside a tuned checkpoint and the served model reads back: the one home of these file
 * names and shapes, so training and serving cannot drift apart.
 */

/** A prompt-tuning checkpoint's soft prompt: one tensor `soft_prompt [N, hidden]`. */
export const PROMPT_TUNING_FILE = 'prompt_tuning.safetensors';
export const SOFT_PROMPT = 'soft_prompt';
/** How the model was tuned and how its prompts are to be verbalized. */
export const TUNING_CONFIG_FILE = 'tuning_config.json';

export interface TuningConfigJson {
  verbalizer: string;
  response_template?: string;
  num_virtual_tokens?: number;
  /** The training mode: full, lora or prompt_tuning. */
  method: string;
}

/** The soft prompt of a prompt-tuned directory, or undefined when it has none. */
export function readSoftPrompt(dir: string, hiddenSize: number): { rows: number; data: Float32Array } | undefined {
  const path = join(dir, PROMPT_TUNING_FILE);
  if (!existsSync(path)) return undefined;
  const t = readSafetensors(path).get(SOFT_PROMPT);
  if (!t || t.shape.length !== 2 || t.shape[0] < 1 || t.shape[1] !== hiddenSize) {
    throw new Error(`${path}: expected ${SOFT_PROMPT} [N, ${hiddenSize}]`);
  }
  return { rows: t.shape[0], data: t.data };
}

/** The verbalizer of a tuned directory's tuning_config.json, or undefined when it has none. */
export function readVerbalizer(dir: string): Verbalizer | undefined {
  const path = join(dir, TUNING_CONFIG_FILE);
  if (!existsSync(path)) return undefined;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<TuningConfigJson>;
  if (raw.verbalizer === undefined) return undefined;
  if (typeof raw.verbalizer !== 'string') throw new Error(`${path}: verbalizer must be a string`);
  if (raw.response_template !== undefined && typeof raw.response_template !== 'string') {
    throw new Error(`${path}: response_template must be a string`);
  }
  const v: Verbalizer = { template: raw.verbalizer, responseTemplate: raw.response_template };
  try {
    checkVerbalizer(v);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  return v;
}
