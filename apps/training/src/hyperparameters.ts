import { PlatformError } from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import type { ExecutorKind, PhaseSettingsForRun, TrainMode } from './executors/executor';

export interface PhaseSettings {
  epochs: number;
  learningRate: number;
}

/** What a job trains with, after the defaults were applied; stored on the job so a resumed run uses the same. */
export interface ResolvedHyperparameters {
  mode: TrainMode;
  phase1: PhaseSettings;
  phase2: PhaseSettings;
  batchSize: number;
  maxSeqLen: number;
  loraRank: number;
  loraAlpha: number;
  warmupSteps: number;
  seed: number;
}

/**
 * The built-in CPU trainer runs small models: full fine-tuning costs the same FLOPs as its LoRA (which computes the
 * dense gradient and chains it into the adapters) and moves further per epoch, so it is the fastest way to a
 * measurable gain; learning rates are high because a few epochs must show on a sub-million-parameter model.
 */
const CPU_DEFAULTS: ResolvedHyperparameters = {
  mode: 'full',
  phase1: { epochs: 3, learningRate: 1e-3 },
  phase2: { epochs: 3, learningRate: 5e-4 },
  batchSize: 8,
  maxSeqLen: 256,
  loraRank: 8,
  loraAlpha: 16,
  warmupSteps: 0,
  seed: 42,
};

/** GPU executors (an external trainer, a Kubernetes Job) get InstructLab's LAB multiphase defaults. */
const LAB_DEFAULTS: ResolvedHyperparameters = {
  mode: 'full',
  phase1: { epochs: 7, learningRate: 2e-5 },
  phase2: { epochs: 10, learningRate: 6e-6 },
  batchSize: 128,
  maxSeqLen: 4096,
  loraRank: 8,
  loraAlpha: 32,
  warmupSteps: 25,
  seed: 42,
};

export function defaultHyperparameters(executor: ExecutorKind): ResolvedHyperparameters {
  return structuredClone(executor === 'builtin' ? CPU_DEFAULTS : LAB_DEFAULTS);
}

interface Range {
  min: number;
  max: number;
  integer: boolean;
  /** min itself is excluded (learning rates). */
  open?: boolean;
}

const RANGES = {
  phase1_num_epochs: { min: 1, max: 50, integer: true },
  phase2_num_epochs: { min: 1, max: 50, integer: true },
  phase1_learning_rate: { min: 0, max: 1, integer: false, open: true },
  phase2_learning_rate: { min: 0, max: 1, integer: false, open: true },
  batch_size: { min: 1, max: 4096, integer: true },
  max_seq_len: { min: 16, max: 32768, integer: true },
  lora_rank: { min: 1, max: 256, integer: true },
  lora_alpha: { min: 0, max: 1024, integer: false, open: true },
  warmup_steps: { min: 0, max: 100000, integer: true },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
} satisfies Record<string, Range>;

export type HyperparameterName = keyof typeof RANGES | 'mode';
export const HYPERPARAMETER_NAMES: readonly HyperparameterName[] = ['mode', ...(Object.keys(RANGES) as (keyof typeof RANGES)[])];

function checked(name: keyof typeof RANGES, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const r: Range = RANGES[name];
  const low = r.open ? v > r.min : v >= r.min;
  if (!Number.isFinite(v) || !low || v > r.max || (r.integer && !Number.isInteger(v))) {
    const what = r.integer ? 'an integer' : 'a number';
    throw PlatformError.invalid(
      `hyperparameters.${name} must be ${what} ${r.open ? '>' : '≥'} ${r.min} and ≤ ${r.max}.`,
      `hyperparameters.${name}`,
    );
  }
  return v;
}

/** Applies a job's settings over the executor's defaults; an out-of-range value is a 400 naming the field. */
export function resolveHyperparameters(executor: ExecutorKind, h: trainingV1.Hyperparameters | undefined): ResolvedHyperparameters {
  const out = defaultHyperparameters(executor);
  if (!h) return out;
  if (h.mode !== '') {
    if (h.mode !== 'full' && h.mode !== 'lora')
      throw PlatformError.invalid('hyperparameters.mode must be "full" or "lora".', 'hyperparameters.mode');
    out.mode = h.mode;
  }
  out.phase1.epochs = checked('phase1_num_epochs', h.phase1NumEpochs) ?? out.phase1.epochs;
  out.phase2.epochs = checked('phase2_num_epochs', h.phase2NumEpochs) ?? out.phase2.epochs;
  out.phase1.learningRate = checked('phase1_learning_rate', h.phase1LearningRate) ?? out.phase1.learningRate;
  out.phase2.learningRate = checked('phase2_learning_rate', h.phase2LearningRate) ?? out.phase2.learningRate;
  out.batchSize = checked('batch_size', h.batchSize) ?? out.batchSize;
  out.maxSeqLen = checked('max_seq_len', h.maxSeqLen) ?? out.maxSeqLen;
  out.loraRank = checked('lora_rank', h.loraRank) ?? out.loraRank;
  out.loraAlpha = checked('lora_alpha', h.loraAlpha) ?? out.loraAlpha;
  out.warmupSteps = checked('warmup_steps', h.warmupSteps) ?? out.warmupSteps;
  out.seed = checked('seed', h.seed) ?? out.seed;
  return out;
}

export function hyperparametersMessage(h: ResolvedHyperparameters): trainingV1.Hyperparameters {
  return {
    mode: h.mode,
    phase1NumEpochs: h.phase1.epochs,
    phase2NumEpochs: h.phase2.epochs,
    phase1LearningRate: h.phase1.learningRate,
    phase2LearningRate: h.phase2.learningRate,
    batchSize: h.batchSize,
    maxSeqLen: h.maxSeqLen,
    loraRank: h.loraRank,
    loraAlpha: h.loraAlpha,
    warmupSteps: h.warmupSteps,
    seed: h.seed,
  };
}

/** What one phase's trainer run gets: that phase's epochs and learning rate with the settings both phases share. */
export function phaseRunSettings(h: ResolvedHyperparameters, phase: 1 | 2): PhaseSettingsForRun {
  const { epochs, learningRate } = phase === 1 ? h.phase1 : h.phase2;
  return {
    mode: h.mode,
    epochs,
    learningRate,
    batchSize: h.batchSize,
    maxSeqLen: h.maxSeqLen,
    loraRank: h.loraRank,
    loraAlpha: h.loraAlpha,
    warmupSteps: h.warmupSteps,
    seed: h.seed,
  };
}
