import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaConfig } from '../contract';
import { loadModelDir } from '../model-dir';
import { readSafetensors, writeSafetensors } from '../safetensors';
import type { Tokenizer } from '../tokenizer';
import { paramShapes } from './llama-params';
import { PROMPT_TUNING_FILE, SOFT_PROMPT, TUNING_CONFIG_FILE, type TuningConfigJson } from '../tuned-model-files';
import type { TrainingMode } from './modes';
import type { ParamMap, Tensor } from './tensor';

export { PROMPT_TUNING_FILE, TUNING_CONFIG_FILE, type TuningConfigJson };
export const TRAINER_STATE_FILE = 'trainer_state.json';

/** Files copied verbatim from the source model so a checkpoint loads like the original. */
const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'generation_config.json',
];

export interface TrainingModel {
  config: LlamaConfig;
  params: ParamMap;
  tokenizer: Tokenizer;
  /** Present when the directory holds a prompt-tuning checkpoint. */
  softPrompt?: Tensor;
}

/**
 * Loads through the engine's own loader so training and inference agree on names, dtypes and tying. Weights
 * live in SharedArrayBuffers so gradient workers can read them.
 */
export function loadTrainingModel(dir: string): TrainingModel {
  const { config, weights, tokenizer } = loadModelDir(dir, { shared: true });
  const params: ParamMap = new Map();
  for (const name of paramShapes(config).keys()) {
    const t = weights.get(name);
    if (!t) throw new Error(`${dir}: missing weight ${name}`);
    params.set(name, { shape: t.shape, data: t.data });
  }
  const model: TrainingModel = { config, params, tokenizer };
  const pt = join(dir, PROMPT_TUNING_FILE);
  if (existsSync(pt)) {
    const sp = readSafetensors(pt).get(SOFT_PROMPT);
    if (!sp || sp.shape.length !== 2 || sp.shape[1] !== config.hidden_size) throw new Error(`${pt}: expected ${SOFT_PROMPT} [N, hidden]`);
    model.softPrompt = { shape: sp.shape, data: sp.data };
  }
  return model;
}

export interface SaveCheckpointOptions {
  /** Directory whose config.json and tokenizer files are carried over. */
  sourceDir: string;
  config: LlamaConfig;
  weights: ParamMap;
  softPrompt?: Tensor;
  metadata?: Record<string, string>;
  /** Written as tuning_config.json: how the server must verbalize prompts for this checkpoint. */
  tuningConfig?: TuningConfigJson;
}

/**
 * Writes a Hugging Face style directory. The config keeps every field of the source (rope scaling, model_type,
 * architectures …) and only records that the weights are now float32. Written to a temporary name and renamed,
 * so a crash never leaves a half-written checkpoint that a resume would trust.
 */
export function saveCheckpoint(dir: string, o: SaveCheckpointOptions): void {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const srcConfigPath = join(o.sourceDir, 'config.json');
  const raw = existsSync(srcConfigPath) ? (JSON.parse(readFileSync(srcConfigPath, 'utf8')) as Record<string, unknown>) : {};
  const config = { architectures: ['LlamaForCausalLM'], model_type: 'llama', ...raw, ...o.config, torch_dtype: 'float32' };
  writeFileSync(join(tmp, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  for (const f of TOKENIZER_FILES) if (existsSync(join(o.sourceDir, f))) copyFileSync(join(o.sourceDir, f), join(tmp, f));
  const ordered = new Map<string, Tensor>();
  for (const name of paramShapes(o.config).keys()) {
    const t = o.weights.get(name);
    if (!t) throw new Error(`cannot save: missing weight ${name}`);
    ordered.set(name, t);
  }
  writeSafetensors(join(tmp, 'model.safetensors'), ordered, { format: 'pt', ...o.metadata });
  if (o.softPrompt) {
    writeSafetensors(join(tmp, PROMPT_TUNING_FILE), new Map([[SOFT_PROMPT, o.softPrompt]]), {
      format: 'pt',
      num_virtual_tokens: String(o.softPrompt.shape[0]),
    });
  }
  if (o.tuningConfig) writeFileSync(join(tmp, TUNING_CONFIG_FILE), JSON.stringify(o.tuningConfig, null, 2) + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/**
 * Written beside the epoch checkpoints. Optimizer moments are deliberately not saved: a resumed run restarts
 * AdamW's moments (they re-converge within a few steps) but keeps the step count, so the LR schedule continues.
 */
export interface TrainerState {
  version: 1;
  mode: TrainingMode;
  /** Absent in states written before DPO existed, which were all sft. */
  objective?: 'sft' | 'dpo';
  global_step: number;
  /** Epochs completed. */
  epoch: number;
  total_steps: number;
  /** Checkpoint directory name under outputDir holding the state after `epoch`. */
  checkpoint: string;
  seed: number;
  optimizer_state_saved: false;
}

export function readTrainerState(outputDir: string): TrainerState | undefined {
  const p = join(outputDir, TRAINER_STATE_FILE);
  if (!existsSync(p)) return undefined;
  const s = JSON.parse(readFileSync(p, 'utf8')) as TrainerState;
  if (s.version !== 1 || !existsSync(join(outputDir, s.checkpoint, 'model.safetensors'))) return undefined;
  return s;
}

export function writeTrainerState(outputDir: string, state: TrainerState): void {
  const p = join(outputDir, TRAINER_STATE_FILE);
  writeFileSync(`${p}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${p}.tmp`, p);
}
