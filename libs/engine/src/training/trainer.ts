import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrainingModel, saveCheckpoint, readTrainerState, writeTrainerState, type TrainingModel } from './checkpoint';
import { buildDataset, epochBatches, readTrainingJsonl, type TrainingRecord } from './data';
import { forwardBackward } from './forward-backward';
import type { DpoItem } from './dpo';
import { BatchWorkspace, batchCapacity } from './batch-workspace';
import { GradPool } from './grad-pool';
import { checkParams, type ProjName } from './llama-params';
import { createModeSetup, type ModeOptions, type TrainingMode } from './modes';
import { AdamW, clipScale } from './optimizer';
import { buildPreferenceDataset, readPreferenceJsonl, type PreferenceRecord } from './preference-data';
import { warmupCosineLr } from './schedule';
import { readVerbalizer } from '../tuned-model-files';
import type { Verbalizer } from '../verbalizer';

/** One line per optimizer step, in the shape the platform's job logs expect. */
export interface StepMetrics {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  tokens_per_second: number;
  grad_norm: number;
  /** dpo only: mean over the step's pairs of (π_c − r_c) − (π_r − r_r), policy vs reference log-probabilities. */
  reward_margin?: number;
}

/** sft: cross-entropy on the scored tokens of each record; dpo: Direct Preference Optimization on preference pairs. */
export type TrainingObjective = 'sft' | 'dpo';

export interface TrainOptions {
  modelDir: string;
  /** JSONL of InstructLab `{messages}` and/or `{input, output}` lines; ignored when `records` is given. */
  dataPath?: string;
  records?: readonly TrainingRecord[];
  /** dpo: `{prompt, chosen, rejected}` pairs; dataPath is then read as preference JSONL when this is absent. */
  preferenceRecords?: readonly PreferenceRecord[];
  /** Default sft. dpo trains the policy (the mode's weights) against a frozen copy of the model training starts from. */
  objective?: TrainingObjective;
  /** dpo's β: how far the policy may move from the reference (default 0.1). */
  dpoBeta?: number;
  outputDir: string;
  mode?: TrainingMode;
  epochs?: number;
  /** Peak learning rate; defaults by mode (full 2e-5, lora 2e-4, prompt_tuning 3e-2). */
  learningRate?: number;
  warmupSteps?: number;
  batchSize?: number;
  gradAccumSteps?: number;
  maxSeqLen?: number;
  seed?: number;
  loraRank?: number;
  loraAlpha?: number;
  /** Also put LoRA adapters on gate/up/down. */
  loraMlp?: boolean;
  numVirtualTokens?: number;
  /**
   * watsonx verbalizer for `{input, output}` records (`{{input}}`, and `{{output}}` with a response template); saved
   * in each checkpoint's tuning_config.json so the engine server verbalizes prompts the same way.
   */
  verbalizer?: string;
  /** Score only the tokens after the last occurrence of this text in the rendered record (watsonx fine tuning). */
  responseTemplate?: string;
  /** Prompt tuning: initialise the soft prompt from this text's token embeddings (else random tokens'). */
  initText?: string;
  /** Attention projections LoRA adapts (default q_proj, k_proj, v_proj, o_proj). */
  loraTargets?: readonly ProjName[];
  /** `{input, output}` records: the prompt's and the completion's token limits. */
  maxInputTokens?: number;
  maxOutputTokens?: number;
  /** Save epoch-N for every epoch; the last epoch is always saved. */
  saveEveryEpoch?: boolean;
  weightDecay?: number;
  /** Global gradient-norm clip; 0 disables. */
  maxGradNorm?: number;
  /** Floor of the cosine schedule as a fraction of the peak. */
  minLrRatio?: number;
  /** Train on all tokens of every record. */
  unmask?: boolean;
  /** Also append each metrics line to this JSONL file. */
  metricsPath?: string;
  /** Continue from outputDir's trainer_state.json when present (default true). */
  resume?: boolean;
  /**
   * Threads for data parallelism (the caller plus threads-1 workers). Default 1. Results are deterministic for a
   * given thread count but differ in the last bits between counts (gradient summation order).
   */
  threads?: number;
  /**
   * Run each thread's share of a micro-batch packed through the SIMD kernels (default true); false keeps the
   * per-sequence reference path. DPO always runs per sequence.
   */
  batched?: boolean;
  signal?: AbortSignal;
  onMetrics?: (m: StepMetrics) => void;
}

export interface TrainResult {
  globalStep: number;
  epochsCompleted: number;
  /** Mean masked loss over the last completed epoch (NaN when nothing ran). */
  finalLoss: number;
  /** Checkpoint directories written by this call. */
  checkpoints: string[];
  aborted: boolean;
  resumedFrom?: string;
  /** Sequences trained on per epoch (preference pairs under dpo). */
  sequences: number;
  droppedRecords: number;
}

const DEFAULT_LR: Record<TrainingMode, number> = { full: 2e-5, lora: 2e-4, prompt_tuning: 3e-2 };

/**
 * Fine-tunes (or, from a randomly initialised directory, pre-trains) a Llama checkpoint on InstructLab records and
 * writes loadable HF directories to outputDir/epoch-N. CPU-bound on the calling thread; it yields to the event
 * loop between micro-batches so `signal` and metric consumers stay live.
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const mode = opts.mode ?? 'full';
  const epochs = opts.epochs ?? 1;
  const peakLr = opts.learningRate ?? DEFAULT_LR[mode];
  const batchSize = Math.max(1, opts.batchSize ?? 8);
  const accum = Math.max(1, opts.gradAccumSteps ?? 1);
  const seed = opts.seed ?? 42;
  const maxSeqLen = opts.maxSeqLen ?? 512;
  const objective = opts.objective ?? 'sft';
  if (objective !== 'sft' && objective !== 'dpo') throw new Error(`train: objective must be sft or dpo, got ${String(objective)}`);
  const beta = opts.dpoBeta ?? 0.1;
  if (!(beta > 0)) throw new Error(`train: dpoBeta must be positive, got ${beta}`);
  const positive = { epochs, learningRate: peakLr, maxSeqLen, loraRank: opts.loraRank ?? 8, numVirtualTokens: opts.numVirtualTokens ?? 8 };
  for (const [k, v] of Object.entries(positive)) if (!(v > 0)) throw new Error(`train: ${k} must be positive, got ${v}`);
  mkdirSync(opts.outputDir, { recursive: true });

  const state = opts.resume === false ? undefined : readTrainerState(opts.outputDir);
  // A run resumes only a run of the same mode and objective (a DPO run never continues an SFT run's directory).
  const resumable = state && state.mode === mode && (state.objective ?? 'sft') === objective ? state : undefined;
  // Full and LoRA continue from the saved weights (LoRA with fresh adapters over the merged checkpoint);
  // prompt tuning keeps the original frozen base and reloads only its soft prompt.
  const base: TrainingModel = loadTrainingModel(
    resumable && mode !== 'prompt_tuning' ? join(opts.outputDir, resumable.checkpoint) : opts.modelDir,
  );
  const softPromptInit =
    resumable && mode === 'prompt_tuning' ? loadTrainingModel(join(opts.outputDir, resumable.checkpoint)).softPrompt : undefined;
  const { config, params, tokenizer } = base;
  checkParams(config, params);

  const records = objective === 'dpo' ? [] : (opts.records ?? (opts.dataPath ? readTrainingJsonl(opts.dataPath) : undefined));
  if (!records) throw new Error('train: give dataPath or records');
  const maxLen = Math.min(maxSeqLen, config.max_position_embeddings - (mode === 'prompt_tuning' ? (opts.numVirtualTokens ?? 8) : 0));
  if (opts.responseTemplate !== undefined && opts.verbalizer === undefined) {
    throw new Error('train: a response template needs a verbalizer');
  }
  const verbalizer = opts.verbalizer === undefined ? undefined : { template: opts.verbalizer, responseTemplate: opts.responseTemplate };
  for (const [k, v] of Object.entries({ maxInputTokens: opts.maxInputTokens, maxOutputTokens: opts.maxOutputTokens })) {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new Error(`train: ${k} must be a positive integer, got ${v}`);
  }
  const ds = buildDataset(records, tokenizer, {
    maxSeqLen: maxLen,
    unmask: opts.unmask,
    verbalizer,
    maxInputTokens: opts.maxInputTokens,
    maxOutputTokens: opts.maxOutputTokens,
  });
  if (ds.sequences.length === 0 && objective === 'sft')
    throw new Error('train: no record has a trainable token after rendering and truncation');
  const prefs = objective === 'dpo' ? buildPreferenceDataset(preferenceRecords(), tokenizer, { maxSeqLen: maxLen }) : undefined;
  if (prefs?.pairs.length === 0) throw new Error('train: no preference pair has a scored token in both answers after truncation');
  const units = prefs ? prefs.pairs.length : ds.sequences.length;

  const modeOptions: ModeOptions = {
    loraRank: opts.loraRank ?? 8,
    loraAlpha: opts.loraAlpha ?? 16,
    loraMlp: opts.loraMlp ?? false,
    numVirtualTokens: opts.numVirtualTokens ?? 8,
    seed,
    initialSoftPrompt: softPromptInit,
    loraTargets: opts.loraTargets,
    initTokenIds: opts.initText === undefined ? undefined : tokenizer.encode(opts.initText, false),
  };
  const setup = createModeSetup(mode, config, params, modeOptions);
  const batchesPerEpoch = Math.ceil(units / batchSize);
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / accum);
  const totalSteps = stepsPerEpoch * epochs;

  const result: TrainResult = {
    globalStep: resumable?.global_step ?? 0,
    epochsCompleted: resumable?.epoch ?? 0,
    finalLoss: NaN,
    checkpoints: [],
    aborted: false,
    resumedFrom: resumable ? join(opts.outputDir, resumable.checkpoint) : undefined,
    sequences: units,
    droppedRecords: prefs?.dropped ?? ds.dropped,
  };

  const prefixRows = setup.softPrompt()?.shape[0] ?? 0;
  // A thread's share of a micro-batch is at most its longest sequences (both answers of each pair under DPO).
  const capacity =
    opts.batched === false
      ? undefined
      : prefs
        ? batchCapacity(
            prefs.pairs.flatMap((p) => [prefixRows + p.chosen.ids.length, prefixRows + p.rejected.ids.length]),
            2 * batchSize,
            config.num_attention_heads,
          )
        : batchCapacity(
            ds.sequences.map((q) => prefixRows + q.ids.length),
            batchSize,
            config.num_attention_heads,
          );
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  // AdamW's tensors first in the workspaces' memory, so one kernel adds every thread's gradients into them.
  const work = capacity && BatchWorkspace.createAll(config, capacity, prefixRows, threads, AdamW.floatsFor(setup.trainables));
  const optimizer = new AdamW(setup.trainables, { weightDecay: opts.weightDecay ?? 0.01 }, work?.memory);
  const pass = setup.passOptions(); // after AdamW: the trainables' arrays live in its memory now
  const pool = new GradPool(threads, config, pass.params, pass.options, work?.workspaces);
  let dpoItems: DpoItem[] | undefined;
  try {
    dpoItems = prefs && (await referenceItems());
    await runEpochs();
  } finally {
    await pool.close();
  }
  return result;

  function preferenceRecords(): readonly PreferenceRecord[] {
    if (opts.preferenceRecords) return opts.preferenceRecords;
    if (!opts.dataPath) throw new Error('train: give dataPath or preferenceRecords');
    return readPreferenceJsonl(opts.dataPath);
  }

  /**
   * The frozen reference is the model training starts from: the base weights, and in prompt tuning the initial soft
   * prompt. Its log-probabilities are computed once per pair. A resumed run rebuilds it from modelDir (and the seed).
   */
  async function referenceItems(): Promise<DpoItem[]> {
    const refParams = resumable && mode !== 'prompt_tuning' ? loadTrainingModel(opts.modelDir).params : params;
    const ref = resumable ? createModeSetup(mode, config, refParams, { ...modeOptions, initialSoftPrompt: undefined }) : setup;
    const { params: weights, options } = ref.passOptions();
    const refs = await pool.referenceLogProbs(prefs!.pairs, weights, options.softPrompt, batchSize);
    return prefs!.pairs.map((pair, i) => ({ pair, ref: refs[i] }));
  }

  async function runEpochs(): Promise<void> {
    for (let epoch = result.epochsCompleted + 1; epoch <= epochs; epoch++) {
      // Batches of unit indices (sequences, or pairs under dpo); the order depends only on the count, seed and epoch.
      const batches = epochBatches(
        Array.from({ length: units }, (_, i) => i),
        batchSize,
        seed,
        epoch,
      );
      let epochLoss = 0;
      let epochCount = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const group = batches.slice(s * accum, (s + 1) * accum);
        // Mean over every scored token (sft) or pair (dpo) of the optimizer step, however they split into micro-batches.
        let count = 0;
        if (dpoItems) count = group.flat().length;
        else for (const q of group.flat()) for (let j = 1; j < ds.sequences[q].lossMask.length; j++) count += ds.sequences[q].lossMask[j];
        const started = performance.now();
        let lossSum = 0;
        let marginSum = 0;
        let tokens = 0;
        for (const batch of group) {
          if (dpoItems) {
            const items = batch.map((i) => dpoItems[i]);
            const r = await pool.runPairs(items, beta, 1 / count);
            lossSum += r.lossSum;
            marginSum += r.marginSum;
            for (const it of items) tokens += it.pair.chosen.ids.length + it.pair.rejected.ids.length;
          } else {
            const seqs = batch.map((i) => ds.sequences[i]);
            lossSum += await pool.run(seqs, 1 / count);
            for (const q of seqs) tokens += q.ids.length;
          }
          if (opts.signal?.aborted) {
            result.aborted = true;
            return;
          }
        }
        await pool.reduce();
        setup.finishBackward();
        const norm = optimizer.gradNorm();
        const lr = warmupCosineLr(result.globalStep, totalSteps, peakLr, opts.warmupSteps ?? 0, opts.minLrRatio ?? 0);
        await pool.update(optimizer, lr, clipScale(norm, opts.maxGradNorm ?? 1.0)); // leaves the gradients zeroed
        setup.afterStep();
        result.globalStep++;
        epochLoss += lossSum;
        epochCount += count;
        const seconds = (performance.now() - started) / 1000;
        const m: StepMetrics = {
          step: result.globalStep,
          epoch,
          loss: lossSum / count,
          lr,
          tokens_per_second: seconds > 0 ? tokens / seconds : 0,
          grad_norm: norm,
          ...(dpoItems ? { reward_margin: marginSum / count } : {}),
        };
        if (opts.metricsPath) appendFileSync(opts.metricsPath, JSON.stringify(m) + '\n');
        opts.onMetrics?.(m);
      }
      result.epochsCompleted = epoch;
      result.finalLoss = epochLoss / epochCount;
      if (opts.saveEveryEpoch !== false || epoch === epochs) {
        const name = `epoch-${epoch}`;
        const dir = join(opts.outputDir, name);
        saveCheckpoint(dir, {
          sourceDir: opts.modelDir,
          config,
          weights: setup.modelWeights(),
          softPrompt: setup.softPrompt(),
          metadata: {
            training_mode: mode,
            epoch: String(epoch),
            global_step: String(result.globalStep),
            ...(objective === 'dpo' ? { training_objective: objective, dpo_beta: String(beta) } : {}),
          },
          tuningConfig: verbalizer && {
            verbalizer: verbalizer.template,
            ...(verbalizer.responseTemplate !== undefined ? { response_template: verbalizer.responseTemplate } : {}),
            ...(mode === 'prompt_tuning' ? { num_virtual_tokens: setup.softPrompt()!.shape[0] } : {}),
            method: mode,
          },
        });
        result.checkpoints.push(dir);
        writeTrainerState(opts.outputDir, {
          version: 1,
          mode,
          objective,
          global_step: result.globalStep,
          epoch,
          total_steps: totalSteps,
          checkpoint: name,
          seed,
          optimizer_state_saved: false,
        });
      }
    }
  }
}

export interface EvaluateOptions {
  maxSeqLen?: number;
  unmask?: boolean;
  /** How `{input, output}` records are rendered; default: the checkpoint's tuning_config.json, if any. */
  verbalizer?: Verbalizer;
}

/**
 * Mean masked cross-entropy of a model directory over records, scored exactly as training scores them. A
 * prompt-tuning checkpoint's soft prompt and a tuned checkpoint's verbalizer are applied automatically.
 */
export function evaluateLoss(modelDir: string, records: readonly TrainingRecord[], opts: EvaluateOptions = {}): number {
  const { config, params, tokenizer, softPrompt } = loadTrainingModel(modelDir);
  const prefix = softPrompt ? softPrompt.shape[0] : 0;
  const ds = buildDataset(records, tokenizer, {
    maxSeqLen: Math.min(opts.maxSeqLen ?? 512, config.max_position_embeddings - prefix),
    unmask: opts.unmask,
    verbalizer: opts.verbalizer ?? readVerbalizer(modelDir),
  });
  let sum = 0;
  let count = 0;
  for (const q of ds.sequences) {
    const r = forwardBackward(config, params, q, { softPrompt: softPrompt?.data });
    sum += r.lossSum;
    count += r.count;
  }
  if (count === 0) throw new Error('evaluateLoss: no trainable tokens in the records');
  return sum / count;
}
