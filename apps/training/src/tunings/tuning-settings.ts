import { PlatformError } from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import type { ExecutorKind } from '../executors/executor';
import type { TuningKind, TuningMethod, TuningSettings } from './stored-tuning';

type NumericSetting =
  | 'numEpochs'
  | 'learningRate'
  | 'batchSize'
  | 'accumulateSteps'
  | 'maxInputTokens'
  | 'maxOutputTokens'
  | 'maxSeqLength'
  | 'numVirtualTokens'
  | 'loraRank'
  | 'loraAlpha'
  | 'loraDropout'
  | 'dpoBeta'
  | 'weightDecay'
  | 'seed';
type Setting =
  NumericSetting | 'method' | 'objective' | 'verbalizer' | 'responseTemplate' | 'initMethod' | 'initText' | 'loraTargetModules';

interface Range {
  min: number;
  max: number;
  integer: boolean;
  /** min itself is excluded. */
  open?: boolean;
  /** max itself is excluded. */
  openMax?: boolean;
}

const RANGES: Record<NumericSetting, Range> = {
  numEpochs: { min: 1, max: 50, integer: true },
  learningRate: { min: 0, max: 1, integer: false, open: true },
  batchSize: { min: 1, max: 4096, integer: true },
  accumulateSteps: { min: 1, max: 128, integer: true },
  maxInputTokens: { min: 1, max: 4096, integer: true },
  maxOutputTokens: { min: 1, max: 4096, integer: true },
  maxSeqLength: { min: 16, max: 32768, integer: true },
  numVirtualTokens: { min: 1, max: 512, integer: true },
  loraRank: { min: 1, max: 256, integer: true },
  loraAlpha: { min: 0, max: 1024, integer: false, open: true },
  loraDropout: { min: 0, max: 1, integer: false, openMax: true },
  dpoBeta: { min: 0, max: 100, integer: false, open: true },
  weightDecay: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
};

/** The watsonx prompt tuning ranges are narrower (its API documents learning_rate ≤ 0.5, batch_size ≤ 16). */
const PROMPT_RANGES: Partial<Record<NumericSetting, Range>> = {
  learningRate: { min: 0, max: 0.5, integer: false, open: true },
  batchSize: { min: 1, max: 16, integer: true },
  maxInputTokens: { min: 1, max: 1024, integer: true },
  maxOutputTokens: { min: 1, max: 1024, integer: true },
};

/** How each surface names a setting in its request, so a 400 names the caller's own field. */
const FIELD_NAMES: Record<TuningKind, Partial<Record<Setting, string>>> = {
  prompt_tuning: {
    method: 'prompt_tuning.tuning_type',
    numEpochs: 'prompt_tuning.num_epochs',
    learningRate: 'prompt_tuning.learning_rate',
    batchSize: 'prompt_tuning.batch_size',
    accumulateSteps: 'prompt_tuning.accumulate_steps',
    maxInputTokens: 'prompt_tuning.max_input_tokens',
    maxOutputTokens: 'prompt_tuning.max_output_tokens',
    verbalizer: 'prompt_tuning.verbalizer',
    initMethod: 'prompt_tuning.init_method',
    initText: 'prompt_tuning.init_text',
  },
  fine_tuning: {
    method: 'parameters.peft_parameters.type',
    numEpochs: 'parameters.num_epochs',
    learningRate: 'parameters.learning_rate',
    batchSize: 'parameters.batch_size',
    accumulateSteps: 'parameters.accumulate_steps',
    maxSeqLength: 'parameters.max_seq_length',
    verbalizer: 'parameters.verbalizer',
    responseTemplate: 'parameters.response_template',
    loraRank: 'parameters.peft_parameters.rank',
    loraAlpha: 'parameters.peft_parameters.lora_alpha',
    loraDropout: 'parameters.peft_parameters.lora_dropout',
    loraTargetModules: 'parameters.peft_parameters.target_modules',
  },
  post_training: {
    method: 'algorithm_config.type',
    numEpochs: 'training_config.n_epochs',
    learningRate: 'training_config.optimizer_config.lr',
    batchSize: 'training_config.data_config.batch_size',
    accumulateSteps: 'training_config.gradient_accumulation_steps',
    weightDecay: 'training_config.optimizer_config.weight_decay',
    loraRank: 'algorithm_config.rank',
    loraAlpha: 'algorithm_config.alpha',
    loraTargetModules: 'algorithm_config.lora_attn_modules',
    dpoBeta: 'algorithm_config.reward_scale',
  },
};

const SNAKE: Record<Setting, string> = {
  method: 'method',
  objective: 'objective',
  numEpochs: 'num_epochs',
  learningRate: 'learning_rate',
  batchSize: 'batch_size',
  accumulateSteps: 'accumulate_steps',
  maxInputTokens: 'max_input_tokens',
  maxOutputTokens: 'max_output_tokens',
  maxSeqLength: 'max_seq_length',
  verbalizer: 'verbalizer',
  responseTemplate: 'response_template',
  initMethod: 'init_method',
  initText: 'init_text',
  numVirtualTokens: 'num_virtual_tokens',
  loraRank: 'lora_rank',
  loraAlpha: 'lora_alpha',
  loraDropout: 'lora_dropout',
  loraTargetModules: 'lora_target_modules',
  dpoBeta: 'dpo_beta',
  weightDecay: 'weight_decay',
  seed: 'seed',
};

/** The request field a setting is in, as the kind's surface spells it (`settings.<name>` where the surface has none). */
export function settingField(kind: TuningKind, s: Setting): string {
  return FIELD_NAMES[kind][s] ?? `settings.${SNAKE[s]}`;
}

/** The modules LoRA may adapt: the engine's attention projections (and, with lora_mlp, the MLP). */
export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const;

/**
 * Defaults per kind and executor. The built-in CPU trainer runs the small starter model, where a few epochs with high
 * learning rates show; GPU executors get the values watsonx documents (prompt tuning: 20 epochs at 0.3, batch 16,
 * 16 accumulation steps, 256 input and 128 output tokens; fine tuning: 5 epochs at 2e-5).
 */
export function defaultTuningSettings(kind: TuningKind, executor: ExecutorKind): TuningSettings {
  const cpu = executor === 'builtin';
  const common: TuningSettings = {
    method: 'full',
    objective: 'sft',
    numEpochs: cpu ? 3 : 5,
    learningRate: cpu ? 1e-3 : 2e-5,
    batchSize: cpu ? 8 : 16,
    accumulateSteps: 1,
    maxInputTokens: 0,
    maxOutputTokens: 0,
    maxSeqLength: cpu ? 256 : 1024,
    verbalizer: '',
    responseTemplate: '',
    initMethod: '',
    initText: '',
    numVirtualTokens: 0,
    loraRank: 8,
    loraAlpha: cpu ? 16 : 32,
    loraDropout: 0.05,
    loraTargetModules: [],
    loraMlp: false,
    dpoBeta: 0.1,
    weightDecay: 0,
    seed: 42,
    taskId: '',
  };
  if (kind !== 'prompt_tuning') return common;
  return {
    ...common,
    method: 'prompt_tuning',
    numEpochs: cpu ? 5 : 20,
    learningRate: cpu ? 0.05 : 0.3,
    batchSize: cpu ? 8 : 16,
    accumulateSteps: cpu ? 1 : 16,
    maxInputTokens: 256,
    maxOutputTokens: 128,
    maxSeqLength: 0,
    verbalizer: '{{input}}',
    initMethod: 'random',
    // 16 virtual tokens of the 128-wide starter model learn a yes/no task well above chance in 50 CPU epochs; 8 stall at
    // always answering one label.
    numVirtualTokens: cpu ? 16 : 100,
  };
}

const METHODS: Record<TuningKind, readonly TuningMethod[]> = {
  prompt_tuning: ['prompt_tuning'],
  fine_tuning: ['full', 'lora'],
  post_training: ['full', 'lora'],
};

/**
 * Applies a request's settings over the kind's defaults. Every refusal is a 400 naming the field in the surface's
 * own words; nothing here depends on data, so it runs before any file is read.
 */
export function resolveTuningSettings(
  kind: TuningKind,
  executor: ExecutorKind,
  req: trainingV1.TuningSettingsRequest | undefined,
): TuningSettings {
  const out = defaultTuningSettings(kind, executor);
  if (!req) return out;
  const field = (s: Setting) => settingField(kind, s);
  const num = (s: NumericSetting, v: number | undefined): void => {
    if (v === undefined) return;
    const r = (kind === 'prompt_tuning' ? PROMPT_RANGES[s] : undefined) ?? RANGES[s];
    const low = r.open ? v > r.min : v >= r.min;
    const high = r.openMax ? v < r.max : v <= r.max;
    if (!Number.isFinite(v) || !low || !high || (r.integer && !Number.isInteger(v)))
      throw PlatformError.invalid(
        `${field(s)} must be ${r.integer ? 'an integer' : 'a number'} ${r.open ? '>' : '≥'} ${r.min} and ${r.openMax ? '<' : '≤'} ${r.max}.`,
        field(s),
      );
    out[s] = v;
  };
  if (req.method !== '') {
    if (!METHODS[kind].includes(req.method as TuningMethod))
      throw PlatformError.invalid(`${field('method')} must be one of ${METHODS[kind].join(', ')}.`, field('method'));
    out.method = req.method as TuningMethod;
  }
  if (req.objective !== '') {
    if (req.objective !== 'sft' && req.objective !== 'dpo')
      throw PlatformError.invalid(`${field('objective')} must be sft or dpo.`, field('objective'));
    if (req.objective === 'dpo' && kind !== 'post_training')
      throw PlatformError.invalid(`${field('objective')} dpo is only for post-training (preference_optimize).`, field('objective'));
    out.objective = req.objective;
  }
  num('numEpochs', req.numEpochs);
  num('learningRate', req.learningRate);
  num('batchSize', req.batchSize);
  num('accumulateSteps', req.accumulateSteps);
  num('maxInputTokens', req.maxInputTokens);
  num('maxOutputTokens', req.maxOutputTokens);
  num('maxSeqLength', req.maxSeqLength);
  num('numVirtualTokens', req.numVirtualTokens);
  num('loraRank', req.loraRank);
  num('loraAlpha', req.loraAlpha);
  num('loraDropout', req.loraDropout);
  num('dpoBeta', req.dpoBeta);
  num('weightDecay', req.weightDecay);
  num('seed', req.seed);
  if (req.loraMlp !== undefined) out.loraMlp = req.loraMlp;
  out.taskId = req.taskId.slice(0, 200);

  const text = (s: 'verbalizer' | 'responseTemplate' | 'initText', v: string): void => {
    if (v.length > 4000) throw PlatformError.invalid(`${field(s)} must be at most 4000 characters.`, field(s));
    if (v !== '') out[s] = v;
  };
  text('verbalizer', req.verbalizer);
  text('responseTemplate', req.responseTemplate);
  text('initText', req.initText);

  if (kind === 'prompt_tuning') {
    if (req.initMethod !== '') {
      if (req.initMethod !== 'random' && req.initMethod !== 'text')
        throw PlatformError.invalid(`${field('initMethod')} must be random or text.`, field('initMethod'));
      out.initMethod = req.initMethod;
    }
    if (out.initMethod === 'text' && out.initText.trim() === '')
      throw PlatformError.invalid(`${field('initText')} is required when ${field('initMethod')} is text.`, field('initText'));
    if (!out.verbalizer.includes('{{input}}'))
      throw PlatformError.invalid(`${field('verbalizer')} must hold {{input}}, where each record's input goes.`, field('verbalizer'));
  } else {
    if (req.initMethod !== '' || req.initText !== '')
      throw PlatformError.invalid(
        `${field('initMethod')} applies to prompt tuning only.`,
        field(req.initMethod !== '' ? 'initMethod' : 'initText'),
      );
    if (req.maxInputTokens !== undefined || req.maxOutputTokens !== undefined)
      throw PlatformError.invalid(
        `${field('maxInputTokens')} and max_output_tokens apply to prompt tuning only; use ${field('maxSeqLength')}.`,
        field(req.maxInputTokens !== undefined ? 'maxInputTokens' : 'maxOutputTokens'),
      );
    // A fine tuning's verbalizer renders the record and its response template marks where the answer starts: one
    // without the other trains on a split the engine cannot find.
    if ((out.verbalizer === '') !== (out.responseTemplate === ''))
      throw PlatformError.invalid(
        `${field('verbalizer')} and ${field('responseTemplate')} must be given together.`,
        field(out.verbalizer === '' ? 'verbalizer' : 'responseTemplate'),
      );
    if (out.verbalizer !== '' && !out.verbalizer.includes('{{input}}'))
      throw PlatformError.invalid(`${field('verbalizer')} must hold {{input}}.`, field('verbalizer'));
    if (out.verbalizer.split('{{output}}').length > 2)
      throw PlatformError.invalid(`${field('verbalizer')} may hold {{output}} once.`, field('verbalizer'));
    // The engine trains on what follows the response template in the rendered record: it must be in the template.
    if (out.responseTemplate !== '' && !out.verbalizer.includes(out.responseTemplate))
      throw PlatformError.invalid(`${field('verbalizer')} must contain the ${field('responseTemplate')} text.`, field('responseTemplate'));
  }
  if (req.loraTargetModules.length > 0) {
    if (out.method !== 'lora')
      throw PlatformError.invalid(`${field('loraTargetModules')} needs LoRA (${field('method')} lora).`, field('loraTargetModules'));
    const unknown = req.loraTargetModules.find((m) => !(LORA_TARGETS as readonly string[]).includes(m));
    if (unknown !== undefined)
      throw PlatformError.invalid(
        `${field('loraTargetModules')} may name ${LORA_TARGETS.join(', ')}; ${JSON.stringify(unknown)} is not one of them.`,
        field('loraTargetModules'),
      );
    out.loraTargetModules = [...new Set(req.loraTargetModules)];
  }
  if (out.objective === 'dpo' && out.method === 'prompt_tuning')
    throw PlatformError.invalid(`${field('objective')} dpo trains full or lora, not prompt tuning.`, field('objective'));
  return out;
}

export function tuningSettingsMessage(s: TuningSettings): trainingV1.TuningSettings {
  return { ...s, loraTargetModules: [...s.loraTargetModules] };
}
